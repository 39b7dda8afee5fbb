// One registry's part of bench/registry.ts: push, pull and manifest-GET measurements while
// its memory is sampled.
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ImageLayout } from "../../test/support/oci-layout.js";
import { skopeoCopy } from "../../test/support/skopeo.js";
import { curlPull, curlPush, type Endpoint } from "./curl-transfer.js";
import { runHey, type HeyResult } from "./hey.js";
import { ProcessSampler, type ProcessUsage } from "./proc-sampler.js";
import { mibPerSec } from "./stats.js";
import { bearerToken, type BenchTarget } from "./targets.js";

export const OCI_MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json";

/** An image written once into an OCI layout, pushed by every registry's run of that index. */
export interface BenchImage {
  dir: string;
  tag: string;
  image: ImageLayout;
}

export interface MeasureOptions {
  /** One image per run for skopeo, and one per run for curl (fresh content each). */
  skopeoImages: BenchImage[];
  curlImages: BenchImage[];
  /** A small image pushed and pulled once before measuring (connections, JIT, caches). */
  warmupImage: BenchImage;
  workDir: string;
  heyRequests: number;
  heyConcurrency: number;
  curlConcurrency: number;
  log: (line: string) => void;
}

export interface TargetResult {
  name: string;
  /** MiB/s of each run. */
  skopeoPush: number[];
  skopeoPull: number[];
  curlPush: number[];
  curlPull: number[];
  /** GET manifest by tag: basic auth when the registry needs auth, anonymous otherwise. */
  manifestGet: HeyResult;
  /** GET manifest by tag with a bearer token from the registry's token endpoint (auth only). */
  manifestGetBearer?: HeyResult;
  usage: ProcessUsage;
}

export async function measureTarget(target: BenchTarget, opts: MeasureOptions): Promise<TargetResult> {
  const sampler = new ProcessSampler(target.pid, 50);
  sampler.start();
  const log = (line: string): void => opts.log(`[${target.name}] ${line}`);
  const endpoint: Endpoint = { url: target.url, basicAuth: target.creds };
  const repo = (kind: string, i: number): string => `bench/${kind}-${i + 1}`;
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };

  await warmUp(target, opts);

  const skopeoPush: number[] = [];
  for (const [i, { dir, tag, image }] of opts.skopeoImages.entries()) {
    const ms = await timed(() =>
      skopeoCopy(`oci:${dir}:${tag}`, `docker://${target.hostPort}/${repo("skopeo", i)}:${tag}`, {
        destCreds: target.creds,
      }),
    );
    skopeoPush.push(mibPerSec(image.totalBytes, ms));
    log(`skopeo push run ${i + 1}: ${skopeoPush.at(-1)?.toFixed(1)} MiB/s`);
  }

  const skopeoPull: number[] = [];
  for (const [i, { tag, image }] of opts.skopeoImages.entries()) {
    const out = await mkdtemp(join(opts.workDir, `pull-${target.name}-`));
    const ms = await timed(() =>
      skopeoCopy(`docker://${target.hostPort}/${repo("skopeo", i)}:${tag}`, `oci:${out}:${tag}`, {
        srcCreds: target.creds,
      }),
    );
    await rm(out, { recursive: true, force: true });
    skopeoPull.push(mibPerSec(image.totalBytes, ms));
    log(`skopeo pull run ${i + 1}: ${skopeoPull.at(-1)?.toFixed(1)} MiB/s`);
  }

  const curlPushRates: number[] = [];
  for (const [i, { dir, tag, image }] of opts.curlImages.entries()) {
    const ms = await timed(() =>
      curlPush(endpoint, image, {
        layoutDir: dir,
        repo: repo("curl", i),
        tag,
        concurrency: opts.curlConcurrency,
      }),
    );
    curlPushRates.push(mibPerSec(image.totalBytes, ms));
    log(`curl push run ${i + 1}: ${curlPushRates.at(-1)?.toFixed(1)} MiB/s`);
  }

  const curlPullRates: number[] = [];
  for (const [i, { image }] of opts.curlImages.entries()) {
    const ms = await timed(() =>
      curlPull(endpoint, image, { repo: repo("curl", i), concurrency: opts.curlConcurrency }),
    );
    curlPullRates.push(mibPerSec(image.totalBytes, ms));
    log(`curl pull run ${i + 1}: ${curlPullRates.at(-1)?.toFixed(1)} MiB/s`);
  }

  const first = opts.skopeoImages[0];
  if (first === undefined) throw new Error("no images to measure");
  const manifestUrl = `${target.url}/v2/${repo("skopeo", 0)}/manifests/${first.tag}`;
  const hey = (extra: { basicAuth?: string; headers?: Record<string, string> }, requests: number) =>
    runHey(manifestUrl, {
      requests,
      concurrency: opts.heyConcurrency,
      accept: OCI_MANIFEST_ACCEPT,
      ...extra,
    });
  const basic = target.creds === undefined ? {} : { basicAuth: target.creds };
  await hey(basic, Math.min(2000, opts.heyRequests)); // warm-up: JIT, caches, connection setup paths
  const manifestGet = await hey(basic, opts.heyRequests);
  log(`manifest GET: ${describeHey(manifestGet)}`);

  let manifestGetBearer: HeyResult | undefined;
  if (target.creds !== undefined) {
    const token = await bearerToken(target, `repository:${repo("skopeo", 0)}:pull`);
    const headers = { Authorization: `Bearer ${token}` };
    await hey({ headers }, Math.min(2000, opts.heyRequests));
    manifestGetBearer = await hey({ headers }, opts.heyRequests);
    log(`manifest GET (bearer): ${describeHey(manifestGetBearer)}`);
  }

  const usage = sampler.stop();
  log(`peak RSS ${(usage.peakRss / 1048576).toFixed(1)} MiB, CPU ${usage.cpuSeconds.toFixed(1)} s`);
  return {
    name: target.name,
    skopeoPush,
    skopeoPull,
    curlPush: curlPushRates,
    curlPull: curlPullRates,
    manifestGet,
    manifestGetBearer,
    usage,
  };
}

async function warmUp(target: BenchTarget, opts: MeasureOptions): Promise<void> {
  const { dir, tag } = opts.warmupImage;
  const remote = `docker://${target.hostPort}/bench/warmup:${tag}`;
  await skopeoCopy(`oci:${dir}:${tag}`, remote, { destCreds: target.creds });
  const out = await mkdtemp(join(opts.workDir, `warmup-${target.name}-`));
  await skopeoCopy(remote, `oci:${out}:${tag}`, { srcCreds: target.creds });
  await rm(out, { recursive: true, force: true });
}

function describeHey(r: HeyResult): string {
  const statuses = Object.entries(r.statusCounts)
    .map(([code, n]) => `${code}×${n}`)
    .join(" ");
  return `${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.percentilesMs[99]?.toFixed(2)} ms [${statuses}] errors ${r.errors}`;
}
