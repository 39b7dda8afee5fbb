// A layer blob as stored (gzip or plain tar) turned into the uncompressed tar stream, whose
// sha256 is the layer's diff ID. The compression is told by magic bytes, not by media type,
// because `docker load` and import hand us blobs whose media type says nothing useful.
import { createHash } from "node:crypto";
import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export type Compression = "gzip" | "zstd" | "none";

export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP)) return "gzip";
  if (head.subarray(0, 4).equals(ZSTD)) return "zstd";
  return "none";
}

export class UnsupportedCompressionError extends Error {}

/**
 * Peeks at the first bytes of `blob` and returns the uncompressed stream. zstd is refused with
 * a clear error (Node 20 has no zstd).
 */
export async function decompressed(blob: Readable): Promise<Readable> {
  const head = await readHead(blob, 4);
  const kind = detectCompression(head);
  if (kind === "zstd") {
    blob.destroy();
    throw new UnsupportedCompressionError(
      "zstd-compressed layers are not supported; use gzip or uncompressed layers",
    );
  }
  const out: Readable = kind === "gzip" ? createGunzip() : new PassThrough({ highWaterMark: 256 * 1024 });
  const sink = out as unknown as NodeJS.WritableStream & { destroy(err?: Error): void };
  blob.on("error", (err) => sink.destroy(err));
  sink.write(head);
  blob.pipe(sink);
  return out;
}

// Reads until at least `n` bytes (or the end) have arrived, then pauses the stream again.
async function readHead(stream: Readable, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= n) return Buffer.concat(parts);
      continue;
    }
    if (stream.readableEnded) return Buffer.concat(parts);
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        stream.off("readable", done);
        stream.off("end", done);
        stream.off("error", fail);
        resolve();
      };
      const fail = (err: Error): void => {
        stream.off("readable", done);
        stream.off("end", done);
        reject(err);
      };
      stream.once("readable", done);
      stream.once("end", done);
      stream.once("error", fail);
    });
  }
}

/** Passes bytes through while hashing and counting them; `digest()` once the stream ended. */
export class DigestingStream extends Transform {
  readonly #hash = createHash("sha256");
  #bytes = 0;
  readonly #onBytes: ((total: number) => void) | undefined;

  constructor(onBytes?: (total: number) => void) {
    super({ highWaterMark: 256 * 1024 });
    this.#onBytes = onBytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    this.#onBytes?.(this.#bytes);
    cb(null, chunk);
  }

  get bytes(): number {
    return this.#bytes;
  }

  digest(): string {
    return `sha256:${this.#hash.digest("hex")}`;
  }
}
