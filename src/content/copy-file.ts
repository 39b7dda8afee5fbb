// Copying a byte range of an open file into a writable (a socket), reusing two buffers.
// A file stream allocates a new buffer per chunk, and at hundreds of MiB/s those chunks pile
// up as garbage outside the JavaScript heap until a collection runs; here each buffer is
// refilled only after the sink has flushed it, so a copy holds at most two chunks, makes no
// garbage, and reads the next chunk while the previous one is being sent.
import type { FileHandle } from "node:fs/promises";
import type { Writable } from "node:stream";

export class SinkClosedError extends Error {
  constructor() {
    super("the destination closed before the copy finished");
  }
}

/** Copies bytes `start`..`end` (inclusive) of `file` into `sink`; resolves with the count. */
export async function copyFileRange(
  file: FileHandle,
  sink: Writable,
  range: { start: number; end: number },
  chunkBytes: number,
): Promise<number> {
  const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
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
    const chunk = bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
    // The callback runs once the chunk has left for the kernel (or failed): then the buffer is free.
    inFlight[turn] = new Promise<void>((resolve) =>
      sink.write(chunk, (err) => {
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
