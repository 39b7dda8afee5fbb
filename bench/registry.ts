// Registry benchmark: Skiff side by side with the CNCF distribution registry, same machine,
// same images, loopback. Run on demand (not part of the test suite):
//   npx tsx bench/registry.ts [--size-mb 200] [--layers 8] [--runs 5] [--only skiff|distribution]
//                             [--hey-n 20000] [--hey-c 32] [--curl-concurrency 4] [--curl-pull-passes 3]
//                             [--keep-work-dir]
//                             [--skiff-log-level warn] [--skiff-node-args="--max-semi-space-size=2 ..."]
//                             [--steps skopeoPush,skopeoPull,curlPush,curlPull]
// (--skiff-node-args needs the = form: its value starts with a dash.)
// Skiff runs at --log-level warn by default, like distribution (warn, access log off): neither
// logs each request. Pass --skiff-log-level info to include Skiff's request logging.
// Both registries run for the whole benchmark; every transfer step alternates between them
// (ABAB, then BABA) so that drift of the machine hits both alike. Prints a Markdown table and
// writes bench/results/registry-<date>.json.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeImageLayout } from "../test/support/oci-layout.js";
import { requireTool, run } from "../test/support/tools.js";
import { ProcessSampler } from "./lib/proc-sampler.js";
import { compare, notes, renderTable, type TargetResult, type TransferRuns } from "./lib/registry-report.js";
import {
  TRANSFER_STEPS,
  describeHey,
  manifestLoad,
  transfer,
  warmUp,
  type BenchImage,
  type ManifestLoad,
  type StepContext,
  type TransferResult,
  type TransferStep,
} from "./lib/registry-steps.js";
import { MiB } from "./lib/stats.js";
import {
  TARGET_NAMES,
  skiffAvailable,
  startTarget,
  type BenchTarget,
  type TargetName,
} from "./lib/targets.js";
import { numberFlag } from "./lib/flags.js";

const { values: args } = parseArgs({
  options: {
    "size-mb": { type: "string", default: "200" },
    layers: { type: "string", default: "8" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    "hey-n": { type: "string", default: "20000" },
    "hey-c": { type: "string", default: "32" },
    "curl-concurrency": { type: "string", default: "4" },
    "curl-pull-passes": { type: "string", default: "3" },
    "keep-work-dir": { type: "boolean", default: false },
    "skiff-node-args": { type: "string", default: "" },
    "skiff-log-level": { type: "string", default: "warn" },
    steps: { type: "string", default: TRANSFER_STEPS.join(",") },
  },
});
const sizeMiB = numberFlag("size-mb", args["size-mb"], { fraction: true, min: 0.01 });
const layerCount = numberFlag("layers", args.layers);
const runs = numberFlag("runs", args.runs);
const curlConcurrency = numberFlag("curl-concurrency", args["curl-concurrency"]);
const curlPullPasses = numberFlag("curl-pull-passes", args["curl-pull-passes"]);
const hey = { requests: numberFlag("hey-n", args["hey-n"]), concurrency: numberFlag("hey-c", args["hey-c"]) };
const only = args.only as TargetName | undefined;
if (only !== undefined && !TARGET_NAMES.includes(only)) {
  throw new Error(`--only must be one of ${TARGET_NAMES.join(", ")}`);
}
const names: TargetName[] = only ? [only] : [...TARGET_NAMES];
const skiffNodeArgs = (args["skiff-node-args"] ?? "").split(" ").filter(Boolean);
const skiffLogLevel = args["skiff-log-level"];
// A subset of the transfer steps, to look at one in isolation (a pull needs its push).
const steps = (args.steps ?? "").split(",").filter(Boolean) as TransferStep[];
for (const step of steps) {
  if (!TRANSFER_STEPS.includes(step))
    throw new Error(`--steps: ${step} is not one of ${TRANSFER_STEPS.join(", ")}`);
}
// The manifest GETs read the image of the first skopeo push.
if (!steps.includes("skopeoPush"))
  throw new Error("--steps must include skopeoPush (the manifest GETs read its image)");
for (const [pull, push] of [
  ["skopeoPull", "skopeoPush"],
  ["curlPull", "curlPush"],
] as const) {
  if (steps.includes(pull) && !steps.includes(push)) throw new Error(`--steps: ${pull} needs ${push}`);
}

const log = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);

for (const tool of [
  "skopeo",
  "hey",
  "curl",
  "sync",
  ...(names.includes("distribution") ? ["docker-registry"] : []),
]) {
  if (!requireTool(tool)) throw new Error(`${tool} is not installed`);
}
if (names.includes("skiff") && !(await skiffAvailable())) {
  throw new Error(
    "`skiff registry serve` does not run in this checkout (npm run build?); try --only distribution",
  );
}

// The machine may be shared: the load average at the start and the end says how much.
const loadText = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const loadAtStart = loadText();
const workDir = await mkdtemp(join(tmpdir(), "skiff-bench-registry-"));
const targets: BenchTarget[] = [];
try {
  const ctx = await generateImages();
  const imageBytes = ctx.skopeoImages[0]?.image.totalBytes ?? 0;
  const warmupDir = join(workDir, "warmup");
  const warmup = await writeImageLayout(warmupDir, { tag: "warmup", layers: [MiB, MiB] });

  const samplers = new Map<TargetName, ProcessSampler>();
  for (const name of names) {
    const target = await startTarget(name, { skiffNodeArgs, skiffLogLevel });
    targets.push(target);
    const sampler = new ProcessSampler(target.pid, 50);
    sampler.start();
    samplers.set(name, sampler);
    log(`[${name}] listening on ${target.url} (pid ${target.pid})`);
    await warmUp(target, { dir: warmupDir, tag: "warmup", image: warmup }, workDir);
    log(`[${name}] warmed up (peak RSS so far ${(sampler.peakSoFar / MiB).toFixed(1)} MiB)`);
  }

  const transfers = new Map<string, TransferResult[]>();
  for (const step of TRANSFER_STEPS.filter((s) => steps.includes(s))) {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const result = await transfer(step, target, i, ctx);
        const key = `${target.name}/${step}`;
        transfers.set(key, [...(transfers.get(key) ?? []), result]);
        const peak = (samplers.get(target.name) as ProcessSampler).peakSoFar / MiB;
        log(
          `[${target.name}] ${step} run ${i + 1}: ${result.mibPerSec.toFixed(1)} MiB/s, ` +
            `CPU s client ${result.clientCpuSeconds.toFixed(2)} server ${result.serverCpuSeconds.toFixed(2)} ` +
            `(peak RSS so far ${peak.toFixed(1)} MiB)`,
        );
      }
    }
  }

  const loads = new Map<TargetName, ManifestLoad>();
  for (const target of targets) {
    const load = await manifestLoad(target, ctx, hey);
    loads.set(target.name, load);
    const peak = (samplers.get(target.name) as ProcessSampler).peakSoFar / MiB;
    log(
      `[${target.name}] manifest GET: ${describeHey(load.manifestGet)} (peak RSS so far ${peak.toFixed(1)} MiB)`,
    );
    if (load.manifestGetBearer)
      log(`[${target.name}] manifest GET (bearer): ${describeHey(load.manifestGetBearer)}`);
  }

  const results: Partial<Record<TargetName, TargetResult>> = {};
  for (const target of targets) {
    const usage = (samplers.get(target.name) as ProcessSampler).stop();
    const load = loads.get(target.name) as ManifestLoad;
    const get = (step: TransferStep): TransferResult[] => transfers.get(`${target.name}/${step}`) ?? [];
    results[target.name] = {
      name: target.name,
      transfers: Object.fromEntries(TRANSFER_STEPS.map((step) => [step, get(step)])) as TransferRuns,
      ...load,
      usage,
    };
    log(
      `[${target.name}] peak RSS ${(usage.peakRss / MiB).toFixed(1)} MiB, CPU ${usage.cpuSeconds.toFixed(1)} s`,
    );
  }

  const rows = compare(results);
  const warnings = notes(Object.values(results), hey);
  console.log(`\n## Registry benchmark: Skiff vs CNCF distribution ${await registryVersion()}\n`);
  console.log(
    `${runs} runs, image ${(imageBytes / MiB).toFixed(1)} MiB in ${layerCount} gzip layers of random bytes; ` +
      `hey -n ${hey.requests} -c ${hey.concurrency}; curl ${ctx.curlConcurrency} blobs at a time, ` +
      `each curl pull ${ctx.curlPullPasses} passes over the image; ` +
      `Skiff --log-level ${skiffLogLevel}${skiffNodeArgs.length ? `, node ${skiffNodeArgs.join(" ")}` : ""}, ` +
      `distribution log level warn; ` +
      `${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; ` +
      `load average (1, 5, 15 min) ${loadAtStart} at the start, ${loadText()} at the end.\n`,
  );
  console.log(renderTable(rows));
  for (const w of warnings) console.log(`\nNOTE: ${w}`);

  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `registry-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMem: totalmem(),
    node: process.version,
  };
  const options = {
    sizeMiB,
    layerCount,
    runs,
    names,
    imageBytes,
    hey,
    curlConcurrency: ctx.curlConcurrency,
    curlPullPasses: ctx.curlPullPasses,
    skiffNodeArgs,
    skiffLogLevel,
  };
  const load = { start: loadAtStart, end: loadText() };
  const report = { date: new Date().toISOString(), machine, load, options, rows, results, warnings };
  await writeFile(file, JSON.stringify(report, null, 2));
  console.log(`\nresults: ${file}`);
} finally {
  for (const target of targets) await target.stop();
  if (args["keep-work-dir"]) log(`work dir kept: ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

/**
 * One image per run for skopeo and one for curl, each with fresh random content: as root,
 * skopeo's blob-info cache (/var/lib/containers/cache) would otherwise have it mount blobs
 * it already pushed to another repository of the same registry instead of uploading them.
 */
async function generateImages(): Promise<StepContext> {
  const start = performance.now();
  const layerBytes = Math.round((sizeMiB * MiB) / layerCount);
  const make = async (kind: string): Promise<BenchImage[]> => {
    const images: BenchImage[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = join(workDir, `${kind}-${i + 1}`);
      const tag = `run${i + 1}`;
      const image = await writeImageLayout(dir, { tag, layers: Array<number>(layerCount).fill(layerBytes) });
      images.push({ dir, tag, image });
    }
    return images;
  };
  const ctx: StepContext = {
    skopeoImages: await make("skopeo"),
    curlImages: await make("curl"),
    workDir,
    curlConcurrency,
    curlPullPasses,
  };
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  log(`generated ${2 * runs} images of ${sizeMiB} MiB (${layerCount} layers) in ${seconds} s`);
  return ctx;
}

async function registryVersion(): Promise<string> {
  const res = await run("docker-registry", ["--version"]).catch(() => undefined);
  return res?.stdout.trim().split(" ").at(-1) ?? "";
}
