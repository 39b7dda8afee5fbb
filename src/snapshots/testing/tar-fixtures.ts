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
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
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
