// Cluster API benchmark (issue 4): a real `skiff server` with its Kubernetes API on the embedded
// SQLite store and then on etcd 3.4 (Debian's etcd-server, started here), driven over HTTPS with
// the admin token as kubectl would. Run on demand:
//   npx tsx bench/api.ts [--seconds 10] [--rate 200] [--pods 5000] [--watchers 500] [--only sqlite|etcd]
// Measures, per backend: single-object create / get / update latency (p50, p99) at a fixed
// request rate (open loop: requests start on schedule whatever the answers do), creates per
// second with 32 in flight, the time to list all pods, the delay from a write to its event at
// each of N concurrent watchers, and the server's resident memory holding the pods (etcd's own
// memory is shown apart). Prints a Markdown table and writes bench/results/api-<date>.json.
// The server is `skiff server --no-engine --no-controllers --no-scheduler`: the API server alone
// (with the registry beside it), as the targets are about the API; with a scheduler and no node,
// each pod would get PodScheduled=False and a FailedScheduling event (two more writes). Beside
// each backend, the disk's own append+fdatasync latency at the same rate is measured (the floor
// under any durable mutation on this machine).
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { startApiServer, type ApiServer } from "../test/support/api-server.js";
import { startEtcd, type EtcdMember } from "../test/support/etcd.js";
import { fsyncLatencies } from "./lib/fsync-floor.js";
import { quantile } from "./lib/stats.js";
import { fmt, markdownTable } from "./lib/table.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    pods: { type: "string", default: "5000" },
    watchers: { type: "string", default: "500" },
    only: { type: "string" },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const PODS = Number(args.pods);
const WATCHERS = Number(args.watchers);

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

interface Client {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string; ms: number }>;
  /** A watch: `onOpen` when its headers arrive, `onLine` per event. Answers a stop function. */
  stream(path: string, onLine: (line: string) => void, onOpen: () => void): () => void;
}

/** An HTTPS client with the admin kubeconfig's CA and token, keep-alive like client-go. */
async function clientFor(api: ApiServer): Promise<Client> {
  const cfg = parseYaml(await readFile(api.kubeconfig, "utf8")) as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  const ca = Buffer.from(cfg.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64");
  const token = cfg.users[0]?.user.token ?? "";
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 64 });
  const url = new URL(api.url);
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path,
            agent,
            headers: { ...headers, ...(payload !== undefined && { "Content-Type": "application/json" }) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString(),
                ms: performance.now() - started,
              }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(payload);
      }),
    stream: (path, onLine, onOpen) => {
      // Watches get their own connection each, as informers do.
      const req = request(
        { host: url.hostname, port: url.port, method: "GET", path, ca, headers, agent: false },
        (res) => {
          if (res.statusCode === 200) onOpen();
          let rest = "";
          res.on("data", (c: Buffer) => {
            const lines = (rest + c.toString()).split("\n");
            rest = lines.pop() ?? "";
            for (const l of lines) if (l !== "") onLine(l);
          });
          res.on("error", () => undefined);
        },
      );
      req.on("error", () => undefined);
      req.end();
      return () => req.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `op(i)` RATE times a second for SECONDS, each on schedule; answers the latencies. */
async function atFixedRate(
  op: (i: number) => Promise<{ status: number; ms: number }>,
  expect: number,
): Promise<number[]> {
  const total = Math.round(RATE * SECONDS);
  const start = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      op(i).then((r) => {
        if (r.status !== expect) throw new Error(`request ${i}: HTTP ${r.status}, expected ${expect}`);
        return r.ms;
      }),
    );
  }
  return Promise.all(pending);
}

function rssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
  );
}

const configMap = (name: string, v = "1") => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { bench: "api" } },
  data: { value: v },
});

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  spec: { containers: [{ name: "c", image: "busybox:latest", command: ["sleep", "3600"] }] },
});

interface BackendResult {
  backend: string;
  createMs: number[];
  getMs: number[];
  updateMs: number[];
  createsPerSec: number;
  fsyncMs: number[];
  rssAfterCreatesMiB: number;
  listMs: number[];
  listItems: number;
  eventMs: number[];
  watchersConnected: number;
  rssMiB: number;
  etcdRssMiB?: number;
}

async function measure(backend: "sqlite" | "etcd"): Promise<BackendResult> {
  let etcd: EtcdMember | undefined;
  if (backend === "etcd") etcd = await startEtcd();
  const api = await startApiServer({
    args: ["--no-controllers", "--no-scheduler", ...(etcd ? ["--datastore", etcd.datastore] : [])],
  });
  try {
    const c = await clientFor(api);
    const ns = "bench";
    const made = await c.call("POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns },
    });
    if (made.status !== 201) throw new Error(`creating the namespace: HTTP ${made.status} ${made.body}`);
    const cm = `/api/v1/namespaces/${ns}/configmaps`;

    log(`${backend}: the disk's append+fdatasync at ${RATE}/s`);
    const fsyncMs = await fsyncLatencies({ count: Math.min(RATE * SECONDS, 1000), rate: RATE });

    log(`${backend}: create/get/update at ${RATE}/s for ${SECONDS}s each`);
    const createMs = await atFixedRate((i) => c.call("POST", cm, configMap(`cm-${i}`)), 201);
    const getMs = await atFixedRate((i) => c.call("GET", `${cm}/cm-${i}`), 200);
    const updateMs = await atFixedRate((i) => c.call("PUT", `${cm}/cm-${i}`, configMap(`cm-${i}`, "2")), 200);

    log(`${backend}: ${PODS} pods with 32 in flight`);
    const pods = `/api/v1/namespaces/${ns}/pods`;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < PODS) {
          const i = next++;
          const r = await c.call("POST", pods, pod(`pod-${i}`));
          if (r.status !== 201) throw new Error(`pod ${i}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
        }
      }),
    );
    const createsPerSec = PODS / ((performance.now() - started) / 1000);
    const rssAfterCreatesMiB = await rssMiB(api.server.pid);

    log(`${backend}: list ${PODS} pods`);
    const listMs: number[] = [];
    let listItems = 0;
    for (let i = 0; i < 5; i++) {
      const r = await c.call("GET", pods);
      listMs.push(r.ms);
      listItems = (JSON.parse(r.body) as { items: unknown[] }).items.length;
    }
    const rss = await rssMiB(api.server.pid);

    log(`${backend}: ${WATCHERS} watchers`);
    const sent = new Map<string, number>();
    const eventMs: number[] = [];
    let connected = 0;
    const rv = (
      JSON.parse((await c.call("GET", `${cm}?limit=1`)).body) as { metadata: { resourceVersion: string } }
    ).metadata.resourceVersion;
    const stops = Array.from({ length: WATCHERS }, () =>
      c.stream(
        `${cm}?watch=true&resourceVersion=${rv}&labelSelector=bench%3Dwatch`,
        (line) => {
          const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
          const at = sent.get(name);
          if (at !== undefined) eventMs.push(performance.now() - at);
        },
        () => (connected += 1),
      ),
    );
    // Every watch answers its headers at once; wait until all have (or 20 s).
    for (let waited = 0; connected < WATCHERS && waited < 20_000; waited += 100) await sleep(100);
    for (let i = 0; i < 50; i++) {
      const name = `watched-${i}`;
      sent.set(name, performance.now());
      const body = { ...configMap(name), metadata: { name, labels: { bench: "watch" } } };
      await c.call("POST", cm, body);
      await sleep(20);
    }
    await sleep(2000);
    for (const stop of stops) stop();
    return {
      backend,
      createMs,
      getMs,
      updateMs,
      createsPerSec,
      fsyncMs,
      rssAfterCreatesMiB,
      listMs,
      listItems,
      eventMs,
      watchersConnected: connected,
      rssMiB: rss,
      ...(etcd && { etcdRssMiB: await rssMiB(etcd.pid) }),
    };
  } finally {
    await api.stop();
    await etcd?.stop();
  }
}

const load = [loadavg()[0] ?? 0];
const results: BackendResult[] = [];
for (const backend of ["sqlite", "etcd"] as const) {
  if (args.only !== undefined && args.only !== backend) continue;
  results.push(await measure(backend));
}
load.push(loadavg()[0] ?? 0);

const q = (v: number[], p: number) => fmt(quantile(v, p), 1);
const rows: string[][] = [];
for (const r of results) {
  rows.push([
    r.backend,
    "create p50 / p99 (ms)",
    `${q(r.createMs, 0.5)} / ${q(r.createMs, 0.99)}`,
    "p99 < 25",
  ]);
  rows.push([
    r.backend,
    "update p50 / p99 (ms)",
    `${q(r.updateMs, 0.5)} / ${q(r.updateMs, 0.99)}`,
    "p99 < 25",
  ]);
  rows.push([
    r.backend,
    "disk append+fdatasync p50 / p99 (ms)",
    `${q(r.fsyncMs, 0.5)} / ${q(r.fsyncMs, 0.99)}`,
    "",
  ]);
  rows.push([r.backend, "get p50 / p99 (ms)", `${q(r.getMs, 0.5)} / ${q(r.getMs, 0.99)}`, "p99 < 10"]);
  rows.push([
    r.backend,
    "pod creates/s (32 in flight)",
    fmt(r.createsPerSec, 0),
    r.backend === "sqlite" ? "≥ 1000" : "",
  ]);
  rows.push([r.backend, `list ${r.listItems} pods, median (ms)`, q(r.listMs, 0.5), ""]);
  rows.push([
    r.backend,
    `event delay, ${r.watchersConnected} watchers, p50 / p99 (ms)`,
    `${q(r.eventMs, 0.5)} / ${q(r.eventMs, 0.99)} (${r.eventMs.length} events)`,
    "",
  ]);
  rows.push([r.backend, `server RSS after ${PODS} pod creates (MiB)`, fmt(r.rssAfterCreatesMiB, 0), ""]);
  rows.push([
    r.backend,
    `server RSS holding ${PODS} pods, after the lists (MiB)`,
    `${fmt(r.rssMiB, 0)}${r.etcdRssMiB !== undefined ? ` (+ etcd ${fmt(r.etcdRssMiB, 0)})` : ""}`,
    "< 150 MB",
  ]);
}
console.log(markdownTable(["store", "measure", "Skiff", "target"], rows));
console.log(
  `\nrate ${RATE}/s for ${SECONDS}s per verb; load average ${load.map((l) => l.toFixed(1)).join(" → ")}`,
);
const dir = join(fileURLToPath(new URL(".", import.meta.url)), "results");
await mkdir(dir, { recursive: true });
const file = join(dir, `api-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await writeFile(
  file,
  JSON.stringify({ rate: RATE, seconds: SECONDS, pods: PODS, watchers: WATCHERS, load, results }, null, 2),
);
log(`results written to ${file}`);
