// `skiff server --datastore etcd://...` against Debian's etcd 3.4: the same kubectl flows work,
// state outlives the server, and Secrets are stored encrypted in etcd.
import { spawn } from "node:child_process";
import { Etcd3 } from "etcd3";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { onLines, stopChild, waitUntil } from "./support/child.js";
import { startEtcd, type EtcdMember } from "./support/etcd.js";
import { requireTool } from "./support/tools.js";

const ready = requireTool("kubectl") && requireTool("etcd");

describe.skipIf(!ready)("kubectl against skiff server on etcd", () => {
  let etcd: EtcdMember;
  let api: ApiServer;

  beforeAll(async () => {
    etcd = await startEtcd();
    api = await startApiServer({ args: ["--datastore", `${etcd.datastore}?prefix=/skiff-e2e`] });
  });

  afterAll(async () => {
    await api?.stop();
    await etcd?.stop();
  });

  it("applies, lists, watches and keeps state across a restart", async () => {
    const manifest = join(api.work, "app.yaml");
    await writeFile(
      manifest,
      [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: on-etcd\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: on-etcd\ndata:\n  mode: fast\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: on-etcd\nstringData:\n  password: etcd-plaintext-marker\n",
      ].join("---\n"),
    );
    const applied = await api.kubectlOk(["apply", "-f", manifest]);
    expect(applied.stdout.trim().split("\n")).toEqual([
      "namespace/on-etcd created",
      "configmap/settings created",
      "secret/creds created",
    ]);
    const watcher = spawn(
      "kubectl",
      ["get", "cm", "settings", "-n", "on-etcd", "-w", "-o", 'jsonpath={.data.mode}{"\\n"}'],
      {
        env: api.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const lines: string[] = [];
    onLines(watcher.stdout, (l) => lines.push(l));
    try {
      await waitUntil(() => (lines.includes("fast") ? true : undefined), {
        timeoutMs: 20_000,
        what: "the first state",
      });
      await api.kubectlOk(["patch", "cm", "settings", "-n", "on-etcd", "-p", '{"data":{"mode":"slow"}}']);
      await waitUntil(() => (lines.includes("slow") ? true : undefined), {
        timeoutMs: 20_000,
        what: "the change",
      });
    } finally {
      await stopChild(watcher, "SIGTERM", 5000);
    }

    await api.server.restart();
    await waitUntil(
      () => (api.server.logs.filter((l) => l.includes('"api listening"')).length >= 2 ? true : undefined),
      {
        timeoutMs: 30_000,
        what: "the API listening again",
      },
    );
    const mode = await api.kubectlOk([
      "get",
      "cm",
      "settings",
      "-n",
      "on-etcd",
      "-o",
      "jsonpath={.data.mode}",
    ]);
    expect(mode.stdout).toBe("slow");
    const password = await api.kubectlOk([
      "get",
      "secret",
      "creds",
      "-n",
      "on-etcd",
      "-o",
      "jsonpath={.data.password}",
    ]);
    expect(Buffer.from(password.stdout, "base64").toString()).toBe("etcd-plaintext-marker");
  });

  it("stores Secrets encrypted in etcd", async () => {
    const client = new Etcd3({ hosts: etcd.endpoint });
    try {
      const raw = await client.getAll().prefix("/skiff-e2e/registry/core/secrets/").buffers();
      const values = Object.values(raw);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value.subarray(0, 23).toString()).toBe("k8s:enc:aesgcm:v1:key1:");
        expect(value.includes("etcd-plaintext-marker")).toBe(false);
      }
    } finally {
      client.close();
    }
  });
});
