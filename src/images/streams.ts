// Stream helpers: looking at the first bytes of a stream without losing them, and hashing
// bytes as they flow past.
import type { Hash } from "node:crypto";
import { Readable, Transform } from "node:stream";

/** The first `n` bytes (fewer if the stream is shorter) and a stream that yields everything again. */
export async function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const seen: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    seen.push(chunk);
    length += chunk.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* seen;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: Buffer.concat(seen).subarray(0, n), stream: Readable.from(replay(), { objectMode: false }) };
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A pass-through that feeds every chunk to `hash` and counts bytes. */
export function hashingTap(hash: Hash, onBytes?: (total: number) => void): Transform & { bytes(): number } {
  let total = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      total += chunk.length;
      onBytes?.(total);
      callback(null, chunk);
    },
  });
  return Object.assign(tap, { bytes: () => total });
}

/** A pass-through that reports the running byte count. */
export function countingTap(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
}
