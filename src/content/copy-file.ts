// Copying a byte range of an open file into a writable (a socket), reusing two buffers.
// A file stream allocates a new buffer per chunk, and at hundreds of MiB/s those chunks pile
// up as garbage outside the JavaScript heap until a collection runs; here each buffer is
// refilled only after the sink has flushed it, so a copy holds at most two chunks, makes no
// garbage, and reads the next chunk while the previous one is being sent. The two buffers
// come from a pool when one is given, so that one download leaves no garbage either.
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
 * `chunk` is a buffer size, or a pool whose buffers go back to it after a complete copy.
 */
export async function copyFileRange(
  file: FileHandle,
  sink: Writable,
  range: { start: number; end: number },
  chunk: number | BufferPool,
): Promise<number> {
  const pool = typeof chunk === "number" ? undefined : chunk;
  const chunkBytes = pool?.size ?? (chunk as number);
  const take = (): Buffer => pool?.take() ?? Buffer.allocUnsafe(chunkBytes);
  const buffers = [take(), take()];
  // After a failure a write may still hold a buffer: those are left to the GC.
  const copied = await copyWith(file, sink, range, buffers);
  if (pool) buffers.forEach((b) => pool.give(b));
  return copied;
}

async function copyWith(
  file: FileHandle,
  sink: Writable,
  range: { start: number; end: number },
  buffers: Buffer[],
): Promise<number> {
  const chunkBytes = (buffers[0] as Buffer).length;
  const inFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  let failure: unknown;
  let position = range.start;
  let turn = 0;
  while (position <= range.end) {
    await inFlight[turn];
    if (failure !== undefined) throw failure;
    if (sink.destroyed || sink.writableEnded) throw new SinkClosedError();
    const buffer = buffers[turn]!;
    const { bytesRead } = await file.read(
      buffer,
      0,
      Math.min(chunkBytes, range.end - position + 1),
      position,
    );
    if (bytesRead === 0) throw new Error(`file ended at ${position}, before ${range.end + 1}`);
    position += bytesRead;
    const bytes = bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
    // The callback runs once the chunk has left for the kernel (or failed): then the buffer is free.
    inFlight[turn] = new Promise<void>((resolve) =>
      sink.write(bytes, (err) => {
        if (err) failure ??= err;
        resolve();
      }),
    );
    turn ^= 1;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return range.end - range.start + 1;
}
