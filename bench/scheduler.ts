// Scheduler throughput benchmark (issue 5): the scheduler against an in-process API registry on
// the SQLite store (as `skiff server` builds it) with 100 simulated nodes — Node objects with
// capacity only, as Kubernetes' kubemark hollow nodes. Run on demand:
//   npx tsx bench/scheduler.ts [--pods 2000] [--nodes 100] [--concurrency 64]
// Two runs: "backlog" creates all pods first and then starts the scheduler (pure scheduling
// throughput, as kube-scheduler's scheduler_perf measures it); "stream" creates pods while the
// scheduler runs (throughput from the first create to the last binding, and per-pod latency from
// create to its binding seen on a watch, p50/p99). Then, with the scheduler stopped, "API floor"
// binds as many pods straight through pods/binding: what the API alone allows, without any
// scheduling. CPU seconds of the process are shown per run, as the machine is shared. Prints a
// Markdown table and writes bench/results/scheduler-<date>.json.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { ResourceApi } from "../src/api/client/cluster.js";
import { applyJsonPatch } from "../src/api/patch/json-patch.js";
import { updateManagedFields } from "../src/api/patch/managed-fields.js";
import { applyMergePatch } from "../src/api/patch/merge-patch.js";
import { applyServerSideApply } from "../src/api/patch/server-side-apply.js";
import { applyStrategicMergePatch } from "../src/api/patch/strategic-merge.js";
import { ApiClient } from "../src/api/registry/client.js";
import { ApiRegistry } from "../src/api/registry/registry.js";
import { builtinCatalog } from "../src/api/resources/catalog.js";
import { openStore } from "../src/api/storage/open.js";
import type { KubeObject } from "../src/api/types.js";
import { Scheduler } from "../src/scheduler/index.js";
import { bootstrapRbac } from "../src/api/auth/bootstrap.js";
import { bootstrapCluster } from "../src/server/api-bootstrap.js";
import { quantile } from "./lib/stats.js";
import { fmt, markdownTable } from "./lib/table.js";
import { numberFlag } from "./lib/flags.js";

const { values: args } = parseArgs({
  options: {
    pods: { type: "string", default: "2000" },
    nodes: { type: "string", default: "100" },
    concurrency: { type: "string", default: "64" },
  },
});
const PODS = numberFlag("pods", args.pods);
const NODES = numberFlag("nodes", args.nodes);
const CONCURRENCY = numberFlag("concurrency", args.concurrency);
const TARGET = 1000;

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const logger = pino({ level: "warn" });

function hollowNode(i: number): KubeObject {
  const name = `hollow-node-${i}`;
  const capacity = { cpu: "32", memory: "128Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux" } },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
    },
  };
}

function benchPod(namespace: string, i: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `pod-${i}`, namespace, labels: { app: "bench" } },
    spec: {
      containers: [
        {
          name: "pause",
          image: "registry.k8s.io/pause:3.10",
          resources: { requests: { cpu: "100m", memory: "64Mi" } },
        },
      ],
    },
  };
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** Runs `op(i)` for i < n with `concurrency` at once. */
async function pool(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Resolves with the time each pod of `namespace` was seen bound, once all `n` are. */
async function bindings(pods: ResourceApi, namespace: string, n: number): Promise<Map<string, number>> {
  const list = await pods.list(namespace, { limit: 1 });
  const seen = new Map<string, number>();
  const abort = new AbortController();
  const o = { resourceVersion: list.metadata.resourceVersion ?? "0" };
  for await (const ev of pods.watch(namespace, o, abort.signal)) {
    const nodeName = (ev.object["spec"] as { nodeName?: string } | undefined)?.nodeName;
    if (ev.type === "MODIFIED" && nodeName && !seen.has(ev.object.metadata.name ?? "")) {
      seen.set(ev.object.metadata.name ?? "", performance.now());
      if (seen.size === n) break;
    }
  }
  abort.abort();
  return seen;
}

interface Run {
  name: string;
  pods: number;
  seconds: number;
  /** CPU seconds this process used (API registry, store, scheduler and the bench's own clients). */
  cpuSeconds: number;
  podsPerSecond: number;
  p50Ms?: number;
  p99Ms?: number;
  createsPerSecond?: number;
}

const dir = await mkdtemp(join(tmpdir(), "skiff-sched-bench-"));
const store = await openStore(undefined, dir);
const catalog = builtinCatalog();
const registry = new ApiRegistry({
  store,
  catalog,
  logger,
  patch: {
    applyJsonPatch,
    applyMergePatch,
    applyStrategicMergePatch,
    applyServerSideApply,
    updateManagedFields,
  },
});
await bootstrapCluster({ registry, catalog, rbac: bootstrapRbac(), logger });
registry.start();
const client = new ApiClient(registry, { fieldManager: "bench" });
const podsApi = client.resource({ apiVersion: "v1", kind: "Pod" });
const nodesApi = client.resource({ apiVersion: "v1", kind: "Node" });
const namespaces = client.resource({ apiVersion: "v1", kind: "Namespace" });

log(`creating ${NODES} hollow nodes`);
await pool(NODES, 16, async (i) => {
  const created = await nodesApi.create(hollowNode(i));
  if (created["status"] === undefined || Object.keys(created["status"] as object).length === 0) {
    await nodesApi.updateStatus({ ...created, status: hollowNode(i)["status"] });
  }
});
for (const ns of ["bench-backlog", "bench-stream", "bench-floor"]) {
  await namespaces.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
}

const abort = new AbortController();
const scheduler = new Scheduler({ client, logger });
const runs: Run[] = [];
const load = [loadavg()[0] ?? 0];

// backlog: every pod waits before the scheduler starts.
log(`backlog: creating ${PODS} pods`);
await pool(PODS, CONCURRENCY, async (i) => void (await podsApi.create(benchPod("bench-backlog", i))));
const backlogBound = bindings(podsApi, "bench-backlog", PODS);
let cpu = process.cpuUsage();
const started = performance.now();
await scheduler.start(abort.signal);
const backlogTimes = await backlogBound;
const backlogSeconds = (Math.max(...backlogTimes.values()) - started) / 1000;
runs.push({
  name: "backlog",
  pods: PODS,
  seconds: backlogSeconds,
  cpuSeconds: cpuSeconds(process.cpuUsage(cpu)),
  podsPerSecond: PODS / backlogSeconds,
});
log(`backlog: ${PODS} pods bound in ${backlogSeconds.toFixed(2)} s`);

// stream: pods created while the scheduler runs.
log(`stream: creating ${PODS} pods, ${CONCURRENCY} at once`);
const streamBound = bindings(podsApi, "bench-stream", PODS);
const createdAt = new Map<string, number>();
cpu = process.cpuUsage();
const first = performance.now();
await pool(PODS, CONCURRENCY, async (i) => {
  const at = performance.now();
  await podsApi.create(benchPod("bench-stream", i));
  createdAt.set(`pod-${i}`, at);
});
const lastCreate = performance.now();
const streamTimes = await streamBound;
const latencies = [...streamTimes].map(([name, at]) => at - (createdAt.get(name) ?? at));
const streamSeconds = (Math.max(...streamTimes.values()) - first) / 1000;
runs.push({
  name: "stream",
  pods: PODS,
  seconds: streamSeconds,
  cpuSeconds: cpuSeconds(process.cpuUsage(cpu)),
  podsPerSecond: PODS / streamSeconds,
  p50Ms: quantile(latencies, 0.5),
  p99Ms: quantile(latencies, 0.99),
  createsPerSecond: PODS / ((lastCreate - first) / 1000),
});
log(`stream: ${PODS} pods bound in ${streamSeconds.toFixed(2)} s`);
abort.abort();
await scheduler.closed();
const stats = { ...scheduler.stats };
// API floor: the same number of bindings with no scheduler at all.
log(`API floor: creating ${PODS} pods, then binding each directly`);
await pool(PODS, CONCURRENCY, async (i) => void (await podsApi.create(benchPod("bench-floor", i))));
const floorBound = bindings(podsApi, "bench-floor", PODS);
cpu = process.cpuUsage();
const floorStart = performance.now();
await pool(PODS, CONCURRENCY, async (i) => {
  const binding = {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: `pod-${i}`, namespace: "bench-floor" },
    target: { apiVersion: "v1", kind: "Node", name: `hollow-node-${i % NODES}` },
  };
  await podsApi.createSubresource("bench-floor", `pod-${i}`, "binding", binding);
});
const floorSeconds = (Math.max(...(await floorBound).values()) - floorStart) / 1000;
runs.push({
  name: "API floor (binding only)",
  pods: PODS,
  seconds: floorSeconds,
  cpuSeconds: cpuSeconds(process.cpuUsage(cpu)),
  podsPerSecond: PODS / floorSeconds,
});
load.push(loadavg()[0] ?? 0);

await registry.close();
await store.close();
await rm(dir, { recursive: true, force: true });

console.log(
  markdownTable(
    ["run", "pods", "seconds", "CPU s", "pods/s", "create→bound p50 (ms)", "p99 (ms)", "target"],
    runs.map((r) => [
      r.name,
      String(r.pods),
      fmt(r.seconds, 2),
      fmt(r.cpuSeconds, 2),
      fmt(r.podsPerSecond, 0),
      fmt(r.p50Ms, 1),
      fmt(r.p99Ms, 1),
      `≥ ${TARGET} pods/s`,
    ]),
  ),
);
const stream = runs.find((r) => r.name === "stream");
console.log(
  `\n${NODES} nodes; stream creates ran at ${fmt(stream?.createsPerSecond, 0)}/s (${CONCURRENCY} in flight); ` +
    `scheduler: ${stats.scheduled} bound, ${fmt((stats.algorithmMs / Math.max(1, stats.scheduled + stats.unschedulable)) * 1000, 0)} µs ` +
    `deciding per pod (${fmt(stats.algorithmMs, 0)} ms in all); load average ${load.map((l) => l.toFixed(1)).join(" → ")}`,
);
const resultsDir = join(fileURLToPath(new URL(".", import.meta.url)), "results");
await mkdir(resultsDir, { recursive: true });
const file = join(resultsDir, `scheduler-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await writeFile(
  file,
  JSON.stringify({ nodes: NODES, pods: PODS, concurrency: CONCURRENCY, load, runs, stats }, null, 2),
);
log(`results written to ${file}`);
