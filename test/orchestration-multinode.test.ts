// Two nodes, end to end with the real kubectl: `skiff server` is the first node; a second
// machine — a network namespace linked to the host by a veth pair — joins with the one command
// `skiff token create` prints (`skiff agent --server … --token … --ca-cert-hash …`). Its pods
// pull from the server's registry with the node's identity (no imagePullSecrets), and kubectl
// logs/exec/port-forward reach them through the API server. When the
// agent stops, the node goes NotReady after the (shortened) grace period, is tainted, its pods
// are evicted after their (shortened) toleration and the ReplicaSet recreates them on the first
// node; when it comes back it removes what was evicted.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  startClusterServer,
  type ClusterServer,
  type KubeJson,
} from "./support/cluster-server.js";
import { onLines } from "./support/child.js";
import { getThroughPortForward } from "./support/port-forward.js";
import { createLinkedNetns, type LinkedNetns } from "./support/netns.js";
import { dockerCli } from "./support/engine-server.js";
import { SKIFF_BIN } from "./support/skiff-server.js";
import { requireTool, run, runOk } from "./support/tools.js";

const haveTools =
  requireTool("docker") &&
  requireTool("runc") &&
  requireTool("conmon") &&
  requireTool("busybox") &&
  requireTool("kubectl") &&
  requireTool("nsenter");

const NODE1 = "node-1";
const NODE2 = "node-2";
// Shortened from Kubernetes' 40 s lease, 40 s grace and 300 s tolerations; renewals every 1 s.
const LEASE_S = 4;
const GRACE_S = 4;
const TOLERATION_S = 4;

interface NodeJson extends KubeJson {
  spec?: { taints?: { key: string; effect: string }[] };
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
  };
}
interface PodJson extends KubeJson {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const ready = (o: { status?: { conditions?: { type: string; status: string }[] } }): boolean =>
  o.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

describe.skipIf(!haveTools)("a second node joins, and its pods move when it goes away", () => {
  let netns: LinkedNetns;
  let cluster: ClusterServer;
  let work: string;
  let joinArgs: string[];
  let agent: ChildProcess | undefined;
  const agentLogs: string[] = [];

  const agentDirs = () => ({ data: join(work, "data"), run: join(work, "run") });

  /** `skiff agent` inside the namespace, as the join command says, with this node's own dirs. */
  const startAgent = async (): Promise<void> => {
    const dirs = agentDirs();
    const child = spawn(
      "nsenter",
      [
        `--net=${netns.path}`,
        process.execPath,
        SKIFF_BIN,
        ...joinArgs,
        "--node-name",
        NODE2,
        "--data-dir",
        dirs.data,
        "--exec-root",
        dirs.run,
        "--bridge-name",
        "skn2br0",
        "--bridge-subnet",
        "10.198.7.0/24",
        "--node-lease-duration-seconds",
        String(LEASE_S),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    onLines(child.stdout, (l) => agentLogs.push(l));
    onLines(child.stderr, (l) => agentLogs.push(l));
    agent = child;
    await eventually(async () => ((await node(NODE2)) && ready((await node(NODE2))!)) || undefined, {
      timeoutMs: 60_000,
      what: `${NODE2} Ready`,
      last: () => agentLogs.slice(-5).join("\n"),
    });
  };

  const stopAgent = async (): Promise<void> => {
    const child = agent;
    agent = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };

  const node = async (name: string): Promise<NodeJson | undefined> => {
    const r = await cluster.kubectl(["get", "node", name, "-o", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as NodeJson) : undefined;
  };
  const pods = async (selector: string): Promise<PodJson[]> =>
    (await cluster.getJson<{ items: PodJson[] }>(["pods", "-l", selector])).items;

  beforeAll(async () => {
    netns = await createLinkedNetns("n2");
    work = await mkdtemp(join(tmpdir(), "skiff-node2-"));
    cluster = await startClusterServer({
      listenHost: netns.hostIp,
      args: [
        "--node-name",
        NODE1,
        "--node-monitor-grace-period",
        `${GRACE_S}s`,
        "--node-lease-duration-seconds",
        String(LEASE_S),
        "--default-unreachable-toleration-seconds",
        String(TOLERATION_S),
        "--default-not-ready-toleration-seconds",
        String(TOLERATION_S),
      ],
    });
    const server = (
      await cluster.kubectlOk(["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"])
    ).stdout.trim();
    const joinCommand = await runOk(
      process.execPath,
      [
        SKIFF_BIN,
        "token",
        "create",
        "--print-join-command",
        "--server",
        server,
        "--kubeconfig",
        cluster.kubeconfig,
      ],
      { timeoutMs: 60_000 },
    );
    // skiff agent --server URL --token TOKEN --ca-cert-hash sha256:…
    joinArgs = joinCommand.stdout.trim().split(/\s+/).slice(1);
    expect(joinArgs[0]).toBe("agent");
  }, 240_000);

  afterAll(async () => {
    if (cluster !== undefined) {
      await cluster.kubectl(["delete", "deployment", "spread", "--wait=false"]);
      // The second node removes its pods' containers while its agent runs.
      if (netns !== undefined && agent === undefined) await startAgent().catch(() => undefined);
      await eventually(async () => ((await pods("app=spread")).length === 0 ? true : undefined), {
        timeoutMs: 60_000,
        what: "the Deployment's pods gone",
      }).catch(() => undefined);
      const socket = `unix://${agentDirs().run}/engine.sock`;
      const left = (await run(dockerCli(), ["-H", socket, "ps", "-aq"])).stdout.split("\n").filter(Boolean);
      if (left.length > 0) await run(dockerCli(), ["-H", socket, "rm", "-f", ...left]);
      await stopAgent();
      await cluster.stop();
    }
    await netns?.remove();
    if (work !== undefined) {
      for (const line of (await run("grep", [work, "/proc/self/mountinfo"])).stdout.split("\n")) {
        const target = line.split(" ")[4];
        if (target !== undefined) await run("umount", ["-l", target]);
      }
      await rm(work, { recursive: true, force: true });
    }
  }, 240_000);

  it("joins with the command `skiff token create` prints and reports Ready with its own address", async () => {
    await startAgent();
    const joined = await node(NODE2);
    expect(joined?.status?.addresses).toContainEqual({ type: "InternalIP", address: netns.nsIp });
    const nodes = await cluster.kubectlOk(["get", "nodes"]);
    expect(nodes.stdout).toMatch(new RegExp(`${NODE1}\\s+Ready`));
    expect(nodes.stdout).toMatch(new RegExp(`${NODE2}\\s+Ready`));
  }, 120_000);

  it("runs a Deployment's pods on both nodes, pulled from the server's registry with the node identity", async () => {
    await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: spread }
spec:
  replicas: 4
  selector: { matchLabels: { app: spread } }
  template:
    metadata: { labels: { app: spread } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${cluster.webImage}
          resources: { requests: { cpu: 100m } }
          readinessProbe:
            httpGet: { path: /index.html, port: 80 }
            periodSeconds: 1
`);
    const running = await eventually(
      async () => {
        const all = await pods("app=spread");
        const good = all.filter(ready);
        return good.length === 4 && good.some((p) => p.spec?.nodeName === NODE2) ? good : undefined;
      },
      {
        timeoutMs: 90_000,
        what: "4 Ready pods, some on the second node",
        last: () => agentLogs.slice(-5).join("\n"),
      },
    );
    expect(new Set(running.map((p) => p.spec?.nodeName))).toEqual(new Set([NODE1, NODE2]));
  }, 120_000);

  it("serves logs, exec and port-forward of a pod on the joined node through the API server", async () => {
    const pod = (await pods("app=spread")).find((p) => p.spec?.nodeName === NODE2);
    const name = pod?.metadata.name ?? "";
    expect(name).not.toBe("");
    const exec = await cluster.kubectl(["exec", name, "--", "sh", "-c", "echo on-node-2; exit 4"]);
    expect([exec.code, exec.stdout]).toEqual([4, "on-node-2\n"]);
    const piped = await cluster.kubectlOk(["exec", "-i", name, "--", "tr", "a-z", "A-Z"], {
      input: "quiet\n",
    });
    expect(piped.stdout).toBe("QUIET\n");
    await cluster.kubectlOk(["exec", name, "--", "sh", "-c", "echo remote-marker >/proc/1/fd/2"]);
    const logs = await cluster.kubectlOk(["logs", name, "--tail=3"]);
    expect(logs.stdout).toContain("remote-marker");

    expect(await getThroughPortForward(cluster.env, name, { port: 80 })).toBe("web v1\n");
  }, 60_000);

  it("marks the stopped node NotReady and tainted, and recreates its pods on the first node", async () => {
    const before = await pods("app=spread");
    const onNode2 = before.filter((p) => p.spec?.nodeName === NODE2).map((p) => p.metadata.name);
    expect(onNode2.length).toBeGreaterThan(0);
    const stoppedAt = Date.now();
    await stopAgent();

    await eventually(
      async () => {
        const n = await node(NODE2);
        const taints = n?.spec?.taints?.map((t) => `${t.key}:${t.effect}`) ?? [];
        return !ready(n ?? {}) && taints.includes("node.kubernetes.io/unreachable:NoExecute")
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, what: `${NODE2} NotReady with the unreachable NoExecute taint` },
    );
    let seen: PodJson[] = [];
    const moved = await eventually(
      async () => {
        const all = await pods("app=spread");
        seen = all;
        const live = all.filter((p) => p.metadata.deletionTimestamp === undefined);
        const good = live.filter((p) => ready(p) && p.spec?.nodeName === NODE1);
        return good.length === 4 ? all : undefined;
      },
      {
        timeoutMs: 60_000,
        what: "4 Ready pods on the first node",
        last: () =>
          JSON.stringify(
            seen.map((p) => [
              p.metadata.name,
              p.spec?.nodeName,
              ready(p),
              p.metadata.deletionTimestamp ?? "",
            ]),
          ),
      },
    );
    const seconds = (Date.now() - stoppedAt) / 1000;
    // Not before the grace period and the toleration have passed.
    expect(seconds).toBeGreaterThanOrEqual(GRACE_S + TOLERATION_S - 1);
    // The evicted pods are Terminating: their node is not there to confirm they stopped.
    const evicted = moved.filter((p) => onNode2.includes(p.metadata.name));
    for (const p of evicted) expect(p.metadata.deletionTimestamp).toBeDefined();
  }, 120_000);

  it("removes the evicted pods when the node comes back", async () => {
    await startAgent();
    await eventually(
      async () => {
        const all = await pods("app=spread");
        return all.every((p) => p.spec?.nodeName === NODE1) && all.length === 4 ? true : undefined;
      },
      { timeoutMs: 60_000, what: "no pods left on the second node" },
    );
    const socket = `unix://${agentDirs().run}/engine.sock`;
    await eventually(
      async () =>
        (await run(dockerCli(), ["-H", socket, "ps", "-q"])).stdout.trim() === "" ? true : undefined,
      { timeoutMs: 30_000, what: "no containers running on the second node" },
    );
    // The node lifecycle controller lifts the condition taints on its next monitor pass after the
    // node reports Ready again, which may come after the agent has already cleaned up its pods.
    await eventually(
      async () => {
        const taints = (await node(NODE2))?.spec?.taints ?? [];
        return taints.some((t) => t.key.startsWith("node.kubernetes.io/un")) ? undefined : true;
      },
      { timeoutMs: 30_000, what: `${NODE2} without the not-ready/unreachable taints` },
    );
  }, 120_000);
});
