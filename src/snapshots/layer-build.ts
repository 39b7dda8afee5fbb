// Building one committed layer directory from a layer blob: decompress, apply the tar (through
// an overlay mount of the parent chain when there is one, so whiteouts become the kernel's own
// overlay whiteouts), check the diff ID, and sync — all inside a staging directory that the
// snapshotter renames into place only afterwards.
import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import type { Digest } from "../oci/digest.js";
import { LayerError } from "./errors.js";
import { DigestingStream, UnsupportedCompressionError, decompressed } from "./layer-stream.js";
import { mountOverlay, unmount } from "./mounts.js";
import { applyLayer } from "./unpack.js";

const execFileAsync = promisify(execFile);

export interface BuildLayerOptions {
  /** The snapshots dir; `staging` and `lower` are relative to it. */
  cwd: string;
  /** Name of the staging dir to fill; its `fs` subdir becomes the layer. */
  staging: string;
  /** The parent chain's layer dirs, top first; undefined for a bottom layer. */
  lower: readonly string[] | undefined;
  diffId: Digest;
  open(): Promise<Readable>;
  onBytes?: (uncompressed: number) => void;
}

/** Fills `<cwd>/<staging>/fs` with the layer; resolves with the uncompressed tar size. */
export async function buildLayerDir(o: BuildLayerOptions): Promise<number> {
  const staging = join(o.cwd, o.staging);
  await mkdir(join(staging, "fs"), { recursive: true });
  const digester = new DigestingStream(o.onBytes);
  let tar: Readable;
  try {
    tar = await decompressed(await o.open());
  } catch (err) {
    if (err instanceof UnsupportedCompressionError) throw new LayerError(o.diffId, err.message);
    throw err;
  }
  tar.on("error", (err) => digester.destroy(err));
  tar.pipe(digester);
  if (o.lower === undefined) {
    await applyLayer(digester, join(staging, "fs"));
  } else {
    const merged = join(staging, "merged");
    await mkdir(join(staging, "work"));
    await mkdir(merged);
    await mountOverlay({
      lower: o.lower,
      upper: `${o.staging}/fs`,
      work: `${o.staging}/work`,
      target: merged,
      cwd: o.cwd,
    });
    try {
      await applyLayer(digester, merged);
    } finally {
      await unmount(merged);
    }
    await rm(join(staging, "work"), { recursive: true, force: true });
    await rm(merged, { recursive: true, force: true });
  }
  const actual = digester.digest();
  if (actual !== o.diffId) throw new LayerError(o.diffId, `the uncompressed layer has digest ${actual}`);
  // The layer must be on disk before anything records it as present.
  await execFileAsync("sync", ["-f", join(staging, "fs")]);
  return digester.bytes;
}
