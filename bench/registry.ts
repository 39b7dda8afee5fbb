// Registry benchmark: Skiff side by side with the CNCF distribution registry, same machine,
// same images, loopback. Run on demand:
//   npx tsx bench/registry.ts [--size-mb 200] [--layers 8] [--runs 3] [--only skiff|distribution]
//                             [--hey-n 20000] [--hey-c 32] [--curl-concurrency 4]
// Prints a Markdown table and writes bench/results/registry-<date>.json.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeImageLayout } from "../test/support/oci-layout.js";
import { requireTool, run } from "../test/support/tools.js";
import { measureTarget, type BenchImage, type TargetResult } from "./lib/registry-measure.js";
import { compare, notes, renderTable } from "./lib/registry-report.js";
import { MiB } from "./lib/stats.js";
import { TARGET_NAMES, skiffAvailable, startTarget, type TargetName } from "./lib/targets.js";

const { values: args } = parseArgs({
  options: {
    "size-mb": { type: "string", default: "200" },
    layers: { type: "string", default: "8" },
    runs: { type: "string", default: "3" },
    only: { type: "string" },
    "hey-n": { type: "string", default: "20000" },
    "hey-c": { type: "string", default: "32" },
    "curl-concurrency": { type: "string", default: "4" },
    "keep-work-dir": { type: "boolean", default: false },
  },
});

const sizeMiB = Number(args["size-mb"]);
const layerCount = Number(args.layers);
const runs = Number(args.runs);
const only = args.only as TargetName | undefined;
if (only !== undefined && !TARGET_NAMES.includes(only))
  throw new Error(`--only must be one of ${TARGET_NAMES.join(", ")}`);
const targets: TargetName[] = only ? [only] : [...TARGET_NAMES];

const log = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);

for (const tool of [
  "skopeo",
  "hey",
  "curl",
  ...(targets.includes("distribution") ? ["docker-registry"] : []),
]) {
  if (!requireTool(tool)) throw new Error(`${tool} is not installed`);
}
if (targets.includes("skiff") && !(await skiffAvailable())) {
  throw new Error(
    "`skiff registry serve` does not run in this checkout (npm run build?); try --only distribution",
  );
}

const workDir = await mkdtemp(join(tmpdir(), "skiff-bench-registry-"));
try {
  // Every run pushes fresh content: skopeo's blob-info cache (root: /var/lib/containers/cache)
  // would otherwise mount already-seen blobs from another repository instead of uploading.
  const layerBytes = Math.round((sizeMiB * MiB) / layerCount);
  const makeImages = async (kind: string): Promise<BenchImage[]> => {
    const images: BenchImage[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = join(workDir, `${kind}-${i + 1}`);
      const tag = `run${i + 1}`;
      const image = await writeImageLayout(dir, { tag, layers: Array<number>(layerCount).fill(layerBytes) });
      images.push({ dir, tag, image });
    }
    return images;
  };
  const genStart = performance.now();
  const skopeoImages = await makeImages("skopeo");
  const curlImages = await makeImages("curl");
  const warmupDir = join(workDir, "warmup");
  const warmupImage = {
    dir: warmupDir,
    tag: "warmup",
    image: await writeImageLayout(warmupDir, { tag: "warmup", layers: [MiB, MiB] }),
  };
  const imageBytes = skopeoImages[0]?.image.totalBytes ?? 0;
  log(
    `generated ${2 * runs} images of ${(imageBytes / MiB).toFixed(1)} MiB (${layerCount} layers) ` +
      `in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
  );

  const results: Partial<Record<TargetName, TargetResult>> = {};
  for (const name of targets) {
    const target = await startTarget(name);
    log(`[${name}] listening on ${target.url} (pid ${target.pid})`);
    try {
      results[name] = await measureTarget(target, {
        skopeoImages,
        curlImages,
        warmupImage,
        workDir,
        heyRequests: Number(args["hey-n"]),
        heyConcurrency: Number(args["hey-c"]),
        curlConcurrency: Number(args["curl-concurrency"]),
        log,
      });
    } finally {
      await target.stop();
    }
  }

  const rows = compare(results);
  const warnings = notes(Object.values(results), {
    requests: Number(args["hey-n"]),
    concurrency: Number(args["hey-c"]),
  });
  console.log(`\n## Registry benchmark: Skiff vs CNCF distribution ${await registryVersion()}\n`);
  console.log(
    `${runs} runs, image ${(imageBytes / MiB).toFixed(1)} MiB in ${layerCount} gzip layers of random bytes; ` +
      `hey -n ${args["hey-n"]} -c ${args["hey-c"]}; curl ${args["curl-concurrency"]} blobs at a time; ` +
      `${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.\n`,
  );
  console.log(renderTable(rows));
  for (const w of warnings) console.log(`\nWARNING: ${w}`);

  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(resultsDir, `registry-${stamp}.json`);
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
    targets,
    imageBytes,
    hey: { n: args["hey-n"], c: args["hey-c"] },
  };
  await writeFile(
    file,
    JSON.stringify({ date: new Date().toISOString(), machine, options, rows, results, warnings }, null, 2),
  );
  console.log(`\nresults: ${file}`);
} finally {
  if (args["keep-work-dir"]) log(`work dir kept: ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

async function registryVersion(): Promise<string> {
  const res = await run("docker-registry", ["--version"]).catch(() => undefined);
  return res?.stdout.trim().split(" ").at(-1) ?? "";
}
