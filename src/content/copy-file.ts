// Copying a byte range of an open file into a writable (a socket) through one reused buffer.
// A file stream allocates a new buffer per chunk, and at hundreds of MiB/s those chunks pile
// up as garbage outside the JavaScript heap until a collection runs. Here the buffer is
// refilled only after the sink has taken the previous chunk, so a copy holds one chunk and
// makes no garbage. One buffer is enough: the socket's kernel buffer keeps the receiver busy
// while the next chunk is read, and fewer, larger writes cost less CPU. Measured, registry CPU
// per 200 MiB served to 4 parallel layer GETs: two 256 KiB buffers 130-150 ms, one of 512 KiB
// 90-120 ms, one of 1 MiB 80-110 ms (distribution, with sendfile: 125-150 ms).
// The buffer comes from a pool when one is given, so that one download leaves no garbage either.
import type { FileHandle } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { BufferPool } from "./buffer-pool.js";

export class SinkClosedError extends Error {
  constructor() {
    super("the destination closed before the copy finished");
  }
}

/**
 * Copies bytes `start`..`end` (inclusive) of `file` into `sink`; resolves with the count.
 * `chunk` is a buffer size, or a pool whose buffer goes back to it after a complete copy.
 */
export async function copyFileRange(
  file: FileHandle,
  sink: Writable,
  range: { start: number; end: number },
  chunk: number | BufferPool,
): Promise<number> {
  const pool = typeof chunk === "number" ? undefined : chunk;
  const buffer = pool?.take() ?? Buffer.allocUnsafe(chunk as number);
  // After a failure a write may still hold the buffer: then it is left to the GC.
  const copied = await copyWith(file, sink, range, buffer);
  pool?.give(buffer);
  return copied;
}

async function copyWith(
  file: FileHandle,
  sink: Writable,
  range: { start: number; end: number },
  buffer: Buffer,
): Promise<number> {
  let position = range.start;
  while (position <= range.end) {
    if (sink.destroyed || sink.writableEnded) throw new SinkClosedError();
    const { bytesRead } = await file.read(
      buffer,
      0,
      Math.min(buffer.length, range.end - position + 1),
      position,
    );
    if (bytesRead === 0) throw new Error(`file ended at ${position}, before ${range.end + 1}`);
    position += bytesRead;
    const bytes = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    // The callback runs once the chunk has left for the kernel (or failed): then the buffer is free.
    await new Promise<void>((resolve, reject) => sink.write(bytes, (err) => (err ? reject(err) : resolve())));
  }
  return range.end - range.start + 1;
}
