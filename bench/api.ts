// Cluster API benchmark (issue 4): a real `skiff server` with its Kubernetes API on the embedded
// SQLite store and then on etcd 3.4 (Debian's etcd-server, started here), driven over HTTPS with
// the admin token as kubectl would. Run on demand:
//   npx tsx bench/api.ts [--seconds 10] [--rate 200] [--pods 5000] [--watchers 500]
//                        [--warmup 1] [--only sqlite|etcd]   (--help: this text)
// Measures, per backend: single-object create / get / update latency (p50, p99) at a fixed
// request rate (open loop: requests start on schedule whatever the answers do), creates per
// second with 32 in flight, the time to list all pods, the delay from a write to its event at
// each of N concurrent watchers, and the server's resident memory holding the pods (etcd's own
// memory is shown apart). Prints a Markdown table and writes bench/results/api-<date>.json.
// The server is `skiff server --no-engine --no-controllers --no-scheduler`: the API server alone
// (with the registry beside it), as the targets are about the API; with a scheduler and no node,
// each pod would get PodScheduled=False and a FailedScheduling event (two more writes). Beside
// each backend, the disk's own append+fdatasync latency at the same rate is measured (the floor
// under any durable mutation on this machine); on etcd, the same etcd operations sent straight
// from the bench alternate second by second with Skiff's (etcd's own floor, under the same load).
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startApiServer } from "../test/support/api-server.js";
import { startEtcd, type EtcdMember } from "../test/support/etcd.js";
import { atFixedRate, benchClient, sleep, type TimedOp } from "./lib/api-client.js";
import { reportRows, type BackendResult } from "./lib/api-report.js";
import { etcdFloor, type EtcdFloor } from "./lib/etcd-floor.js";
import { fsyncLatencies } from "./lib/fsync-floor.js";
import { markdownTable } from "./lib/table.js";
import { numberFlag } from "./lib/flags.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    pods: { type: "string", default: "5000" },
    watchers: { type: "string", default: "500" },
    warmup: { type: "string", default: "1" },
    only: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  const head = (await readFile(fileURLToPath(import.meta.url), "utf8")).split("\n");
  console.log(
    head
      .slice(
        0,
        head.findIndex((l) => !l.startsWith("//")),
      )
      .map((l) => l.slice(3))
      .join("\n"),
  );
  process.exit(0);
}
const SECONDS = numberFlag("seconds", args.seconds, { fraction: true, min: 0.1 });
const RATE = numberFlag("rate", args.rate, { fraction: true, min: 0.1 });
const PODS = numberFlag("pods", args.pods);
const WATCHERS = numberFlag("watchers", args.watchers, { min: 0 });
const WARMUP = numberFlag("warmup", args.warmup, { fraction: true, min: 0 });
/** How long the server is left quiet after the lists before its memory is read again. */
const SETTLE_MS = 5000;
/** etcd's floor numbers its warm-up keys from here (the timed ones from 0). */
const WARM_KEYS = 1_000_000;

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

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

async function measure(backend: "sqlite" | "etcd"): Promise<BackendResult> {
  let etcd: EtcdMember | undefined;
  if (backend === "etcd") etcd = await startEtcd();
  const api = await startApiServer({
    args: ["--no-controllers", "--no-scheduler", ...(etcd ? ["--datastore", etcd.datastore] : [])],
  });
  let floor: EtcdFloor | undefined;
  try {
    const c = await benchClient(api);
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

    // etcd's own floor: the same operations straight to etcd, alternating second by second.
    // Its values are the size of what Skiff stores for one ConfigMap (about the object it answers).
    const sample = await c.call("POST", cm, configMap("size-sample"));
    floor = etcd && etcdFloor({ endpoint: etcd.endpoint, valueBytes: Buffer.byteLength(sample.body) });
    const phase = (op: TimedOp, expect: number, peer: TimedOp | undefined, seconds = SECONDS) =>
      atFixedRate({ rate: RATE, seconds, op, expect, ...(peer && { peer }) });
    if (WARMUP > 0) {
      // A just-started server, its connections and (on etcd) the bench's own etcd client are
      // cold: a short run of the same requests first, on other names, not counted.
      log(`${backend}: warm-up, ${WARMUP}s of creates and gets at ${RATE}/s`);
      const aside = (op: TimedOp | undefined) => op && ((i: number) => op(WARM_KEYS + i));
      await phase((i) => c.call("POST", cm, configMap(`warm-${i}`)), 201, aside(floor?.create), WARMUP);
      await phase((i) => c.call("GET", `${cm}/warm-${i}`), 200, aside(floor?.get), WARMUP);
    }
    log(
      `${backend}: create/get/update at ${RATE}/s for ${SECONDS}s each${floor ? ", etcd's own alternating" : ""}`,
    );
    const created = await phase((i) => c.call("POST", cm, configMap(`cm-${i}`)), 201, floor?.create);
    const got = await phase((i) => c.call("GET", `${cm}/cm-${i}`), 200, floor?.get);
    const updated = await phase(
      (i) => c.call("PUT", `${cm}/cm-${i}`, configMap(`cm-${i}`, "2")),
      200,
      floor?.update,
    );

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
    // Right after the lists the heap still holds their garbage until the next full collection;
    // what a server holding the pods keeps is read once it has been quiet for a few seconds.
    await sleep(SETTLE_MS);
    const settledRss = await rssMiB(api.server.pid);

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
      createMs: created.ms,
      getMs: got.ms,
      updateMs: updated.ms,
      ...(floor && { etcdFloor: { createMs: created.peerMs, getMs: got.peerMs, updateMs: updated.peerMs } }),
      createsPerSec,
      fsyncMs,
      rssAfterCreatesMiB,
      listMs,
      listItems,
      eventMs,
      watchersConnected: connected,
      rssMiB: rss,
      settledRssMiB: settledRss,
      ...(etcd && { etcdRssMiB: await rssMiB(etcd.pid) }),
    };
  } finally {
    floor?.close();
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

const rows = results.flatMap((r) => reportRows(r, PODS));
console.log(markdownTable(["store", "measure", "Skiff", "etcd alone", "target"], rows));
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
