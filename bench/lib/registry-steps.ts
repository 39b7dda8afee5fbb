// The measured steps of bench/registry.ts, each against one registry: transfers of a whole
// image (MiB/s) and manifest-GET load (hey).
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ImageLayout } from "../../test/support/oci-layout.js";
import { skopeoCopy } from "../../test/support/skopeo.js";
import { runOk } from "../../test/support/tools.js";
import { curlPull, curlPush, type Endpoint } from "./curl-transfer.js";
import { runHey, type HeyResult } from "./hey.js";
import { cpuSecondsOf, exitedChildrenCpuSeconds } from "./proc-sampler.js";
import { mibPerSec } from "./stats.js";
import { bearerToken, type BenchTarget } from "./targets.js";

export const OCI_MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json";

/** An image written once into an OCI layout. */
export interface BenchImage {
  dir: string;
  tag: string;
  image: ImageLayout;
}

export interface StepContext {
  /** One image per run for skopeo and one per run for curl, each with fresh content. */
  skopeoImages: BenchImage[];
  curlImages: BenchImage[];
  /** Scratch space for pulled layouts. */
  workDir: string;
  curlConcurrency: number;
  /** How many times a curl pull GETs the image (see curlPull). */
  curlPullPasses: number;
}

export const TRANSFER_STEPS = ["skopeoPush", "skopeoPull", "curlPush", "curlPull"] as const;
export type TransferStep = (typeof TRANSFER_STEPS)[number];

const repo = (kind: string, run: number): string => `bench/${kind}-${run + 1}`;

/** What one transfer took. */
export interface TransferResult {
  mibPerSec: number;
  seconds: number;
  /** CPU seconds of the client programs (skopeo, curl): shows when the client is the bottleneck. */
  clientCpuSeconds: number;
  /** CPU seconds of the registry process during the transfer. */
  serverCpuSeconds: number;
}

/**
 * Runs one transfer of run number `run` (0-based). Pulls read what the push step of the same
 * run stored, so every push step of a run precedes its pull step.
 */
export async function transfer(
  step: TransferStep,
  target: BenchTarget,
  run: number,
  ctx: StepContext,
): Promise<TransferResult> {
  const images = step.startsWith("skopeo") ? ctx.skopeoImages : ctx.curlImages;
  const bench = images[run];
  if (bench === undefined) throw new Error(`no image for run ${run + 1}`);
  const endpoint: Endpoint = { url: target.url, basicAuth: target.creds };
  const remote = `docker://${target.hostPort}/${repo("skopeo", run)}:${bench.tag}`;
  const concurrency = ctx.curlConcurrency;
  let out: string | undefined;
  if (step === "skopeoPull") out = await mkdtemp(join(ctx.workDir, `pull-${target.name}-`));
  // Flush earlier steps' dirty pages so that their writeback does not land in this step.
  await runOk("sync", []);
  const clientCpuStart = exitedChildrenCpuSeconds();
  const serverCpuStart = cpuSecondsOf(target.pid) ?? 0;
  const start = performance.now();
  switch (step) {
    case "skopeoPush":
      await skopeoCopy(`oci:${bench.dir}:${bench.tag}`, remote, { destCreds: target.creds });
      break;
    case "skopeoPull":
      await skopeoCopy(remote, `oci:${out}:${bench.tag}`, { srcCreds: target.creds });
      break;
    case "curlPush":
      await curlPush(endpoint, bench.image, {
        layoutDir: bench.dir,
        repo: repo("curl", run),
        tag: bench.tag,
        concurrency,
      });
      break;
    case "curlPull":
      await curlPull(endpoint, bench.image, {
        repo: repo("curl", run),
        concurrency,
        passes: ctx.curlPullPasses,
      });
      break;
  }
  const ms = performance.now() - start;
  const serverCpuSeconds = (cpuSecondsOf(target.pid) ?? serverCpuStart) - serverCpuStart;
  const clientCpuSeconds = exitedChildrenCpuSeconds() - clientCpuStart;
  if (out !== undefined) await rm(out, { recursive: true, force: true });
  return {
    mibPerSec: mibPerSec(bench.image.totalBytes * (step === "curlPull" ? ctx.curlPullPasses : 1), ms),
    seconds: ms / 1000,
    clientCpuSeconds,
    serverCpuSeconds,
  };
}

/** Pushes and pulls a small image once: connections, JIT and caches warm before measuring. */
export async function warmUp(target: BenchTarget, image: BenchImage, workDir: string): Promise<void> {
  const remote = `docker://${target.hostPort}/bench/warmup:${image.tag}`;
  await skopeoCopy(`oci:${image.dir}:${image.tag}`, remote, { destCreds: target.creds });
  const out = await mkdtemp(join(workDir, `warmup-${target.name}-`));
  await skopeoCopy(remote, `oci:${out}:${image.tag}`, { srcCreds: target.creds });
  await rm(out, { recursive: true, force: true });
}

export interface ManifestLoad {
  /** GET manifest by tag: basic auth when the registry needs auth, anonymous otherwise. */
  manifestGet: HeyResult;
  /** The same with a bearer token from the registry's token endpoint (registries with auth only). */
  manifestGetBearer?: HeyResult;
}

/** hey against GET /v2/<first skopeo repo>/manifests/<tag>, after a short warm-up run. */
export async function manifestLoad(
  target: BenchTarget,
  ctx: StepContext,
  opts: { requests: number; concurrency: number },
): Promise<ManifestLoad> {
  const first = ctx.skopeoImages[0];
  if (first === undefined) throw new Error("no image to GET");
  const url = `${target.url}/v2/${repo("skopeo", 0)}/manifests/${first.tag}`;
  const load = async (auth: { basicAuth?: string; headers?: Record<string, string> }): Promise<HeyResult> => {
    const base = { concurrency: opts.concurrency, accept: OCI_MANIFEST_ACCEPT, ...auth };
    await runHey(url, { ...base, requests: Math.min(2000, opts.requests) });
    return runHey(url, { ...base, requests: opts.requests });
  };
  const manifestGet = await load(target.creds === undefined ? {} : { basicAuth: target.creds });
  if (target.creds === undefined) return { manifestGet };
  const token = await bearerToken(target, `repository:${repo("skopeo", 0)}:pull`);
  const manifestGetBearer = await load({ headers: { Authorization: `Bearer ${token}` } });
  return { manifestGet, manifestGetBearer };
}

export function describeHey(r: HeyResult): string {
  const statuses = Object.entries(r.statusCounts)
    .map(([code, n]) => `${code}×${n}`)
    .join(" ");
  return `${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.percentilesMs[99]?.toFixed(2)} ms [${statuses}] errors ${r.errors}`;
}
