// Building small layer tars in tests: entries described as data, packed with tar-stream.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import * as tarStream from "tar-stream";
import type { Digest } from "../../oci/digest.js";
import type { LayerSource } from "../overlay.js";

export interface FixtureEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "fifo" | "character-device";
  body?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
}

export const FIXED_MTIME = new Date("2024-01-02T03:04:05Z");

export async function makeTar(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  // Read while writing: the pack stops calling back when its buffer is full.
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const e of entries) {
    const type = e.type ?? "file";
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === "directory" ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? FIXED_MTIME,
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (type === "file") pack.entry(header, Buffer.from(e.body ?? ""), cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}` as Digest;
}

/** A LayerSource for an uncompressed tar, stored gzip-compressed when `gzip` is set. */
export function layerSource(tar: Buffer, o: { gzip?: boolean; diffId?: Digest } = {}): LayerSource {
  const blob = o.gzip ? gzipSync(tar) : tar;
  return { diffId: o.diffId ?? sha256(tar), open: () => Promise.resolve(Readable.from([blob])) };
}

/** Reads a tar stream into its entries (bodies as text). */
export async function readTar(
  stream: AsyncIterable<unknown> & NodeJS.ReadableStream,
): Promise<Array<tarStream.Header & { body: string }>> {
  const extract = tarStream.extract();
  const out: Array<tarStream.Header & { body: string }> = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (c: unknown) => void chunks.push(c as Buffer));
      body.on("end", () => {
        out.push({ ...header, body: Buffer.concat(chunks).toString("utf8") });
        next();
      });
    });
    extract.on("finish", () => resolve());
    extract.on("error", reject);
    stream.on("error", reject);
  });
  stream.pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return out;
}

/** The layers of the kill -9 test: a small base and a ~2 MB layer of 2000 files. */
export async function crashLayers(): Promise<LayerSource[]> {
  const base = await makeTar([
    { name: "etc/base", body: "base" },
    { name: "etc/old", body: "old" },
  ]);
  const files: FixtureEntry[] = [{ name: "etc/.wh.old" }];
  for (let i = 0; i < 2000; i++) files.push({ name: `data/d${i % 50}/f${i}`, body: "z".repeat(1000) });
  return [layerSource(base), layerSource(await makeTar(files), { gzip: true })];
}
