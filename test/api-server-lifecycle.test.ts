// `skiff server` as the operator sees its Kubernetes API: the kubeconfig it writes (0600) and
// `skiff kubeconfig` prints, state and credentials that survive a restart, a quick SIGTERM even
// with a watch open, and metrics.
import { spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { onLines, stopChild, waitUntil } from "./support/child.js";
import { runSkiff } from "./support/skiff-server.js";
import { requireTool } from "./support/tools.js";

const hasKubectl = requireTool("kubectl");

describe.skipIf(!hasKubectl)("skiff server's Kubernetes API lifecycle", () => {
  let api: ApiServer;

  beforeAll(async () => {
    api = await startApiServer();
  });

  afterAll(async () => {
    await api?.stop();
  });

  it("writes the admin kubeconfig with mode 0600 and prints it with `skiff kubeconfig`", async () => {
    const own = `${api.server.dataDir}/api/admin.kubeconfig`;
    for (const path of [own, api.kubeconfig]) {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
    const text = await readFile(own, "utf8");
    expect(await readFile(api.kubeconfig, "utf8")).toBe(text);
    const config = parse(text) as {
      clusters: { cluster: { server: string } }[];
      users: { user: { token: string } }[];
    };
    expect(config.clusters[0]?.cluster.server).toBe(api.url);
    expect(config.users[0]?.user.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const printed = await runSkiff(["kubeconfig", "--data-dir", api.server.dataDir]);
    expect(printed.stdout).toBe(text);
    const moved = await runSkiff([
      "kubeconfig",
      "--data-dir",
      api.server.dataDir,
      "--server",
      "https://10.1.2.3:6443",
    ]);
    expect((parse(moved.stdout) as typeof config).clusters[0]?.cluster.server).toBe("https://10.1.2.3:6443");
  });

  it("never writes a Secret's value in clear to the database", async () => {
    const marker = "sqlite-plaintext-marker-4711";
    await api.kubectlOk(["create", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "hidden" },
        stringData: { p: marker },
      }),
    });
    const dir = `${api.server.dataDir}/api`;
    const files = (await readdir(dir)).filter((f) => f.startsWith("state.db"));
    expect(files).toContain("state.db");
    for (const f of files) {
      const bytes = await readFile(`${dir}/${f}`);
      expect(bytes.includes(marker), f).toBe(false);
      expect(bytes.includes(Buffer.from(marker).toString("base64")), f).toBe(false);
    }
    const back = await api.kubectlOk(["get", "secret", "hidden", "-o", "jsonpath={.data.p}"]);
    expect(Buffer.from(back.stdout, "base64").toString()).toBe(marker);
  });

  it("serves Prometheus metrics to those allowed", async () => {
    await api.kubectlOk(["get", "namespaces"]);
    const metrics = await api.kubectlOk(["get", "--raw", "/metrics"]);
    expect(metrics.stdout).toMatch(/apiserver_request_total\{verb="LIST",group="",resource="namespaces"/);
    expect(metrics.stdout).toContain("apiserver_request_duration_seconds_bucket");
    const refused = await api.kubectl(["--token", "bad", "get", "--raw", "/metrics"]);
    expect(refused.stderr).toContain("Unauthorized");
  });

  it("keeps objects and credentials across a restart, and stops at once with a watch open", async () => {
    await api.kubectlOk(["create", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "keep" },
        data: { k: "v" },
      }),
    });
    const watcher = spawn("kubectl", ["get", "configmaps", "-w"], {
      env: api.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    onLines(watcher.stdout, (l) => lines.push(l));
    try {
      await waitUntil(() => (lines.some((l) => l.startsWith("keep")) ? true : undefined), {
        timeoutMs: 20_000,
        what: "the watch's first lines",
      });
      const started = Date.now();
      await api.server.restart();
      // The open watch must not hold the shutdown up to its 30 s deadline.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await stopChild(watcher, "SIGTERM", 5000);
    }
    await waitUntil(
      () => (api.server.logs.filter((l) => l.includes('"api listening"')).length >= 2 ? true : undefined),
      {
        timeoutMs: 30_000,
        what: "the API listening again",
      },
    );
    // The same kubeconfig (same CA, same token) still works, and the object is still there.
    const value = await api.kubectlOk(["get", "configmap", "keep", "-o", "jsonpath={.data.k}"]);
    expect(value.stdout).toBe("v");
  });
});

describe.skipIf(!hasKubectl)("skiff server with --no-controllers --no-scheduler", () => {
  const deployment = JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "127.0.0.1:5000/web:1" }] },
      },
    },
  });
  const replicaSets = async (api: ApiServer) =>
    (await api.kubectlOk(["get", "replicasets", "-o", "name"])).stdout.trim();

  it("serves the API alone: a Deployment gets no ReplicaSet and its pods are never bound", async () => {
    const alone = await startApiServer({ args: ["--no-controllers", "--no-scheduler"] });
    const full = await startApiServer();
    try {
      for (const api of [alone, full]) await api.kubectlOk(["create", "-f", "-"], { input: deployment });
      // With the controllers, the ReplicaSet (and its pod) comes within moments...
      await waitUntil(async () => ((await replicaSets(full)) !== "" ? true : undefined), {
        timeoutMs: 20_000,
        what: "the Deployment's ReplicaSet with the controllers running",
      });
      // ...and the scheduler tells why the pod waits (no node without an engine).
      await waitUntil(
        async () =>
          (await full.kubectlOk(["get", "pods", "-o", "jsonpath={.items[0].status.conditions[0].reason}"]))
            .stdout === "Unschedulable"
            ? true
            : undefined,
        { timeoutMs: 20_000, what: "the scheduler's Unschedulable condition" },
      );
      expect(await replicaSets(alone)).toBe("");
      await alone.kubectlOk(["run", "bare", "--image=127.0.0.1:5000/web:1"]);
      await new Promise((r) => setTimeout(r, 2000));
      const pod = await alone.kubectlOk([
        "get",
        "pod",
        "bare",
        "-o",
        "jsonpath={.spec.nodeName}|{.status.conditions}",
      ]);
      expect(pod.stdout).toBe("|");
      expect(await replicaSets(alone)).toBe("");
    } finally {
      await alone.stop();
      await full.stop();
    }
  }, 90_000);
});
