// Appending a stream to a file: chunks are copied into two large buffers that take turns, one
// being written while the other fills, and the kernel is asked to write the data back to disk
// every few MiB as it arrives. The commit's fsync then flushes only the tail instead of the
// whole blob, which otherwise made the client wait ~25 ms per 25 MiB layer after its upload.
// A buffer is written when it is full or a few milliseconds after its first byte: a socket
// hands over ~30 KiB at a time, and one write per chunk cost a thread-pool round trip each
// (7,000 per 200 MiB push), while a slow client's bytes still reach the file promptly. Copying
// lets each chunk die young instead of waiting in a batch until V8 has promoted it.
import { open, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { BufferPool } from "./buffer-pool.js";

export interface AppendOptions {
  /** Sees every chunk, in order, before it is written (the running hash). */
  onChunk(chunk: Buffer): void;
  /** Bytes gathered before one write. */
  batchBytes: number;
  /** Where the two batch buffers come from and go back to; its size must be `batchBytes`. */
  pool?: BufferPool;
  /** Start a background fdatasync after this many more bytes were written (0: never). */
  syncEveryBytes: number;
  /** Write a partial batch this long after its first byte arrived (default 10 ms). */
  flushAfterMs?: number;
}

const DEFAULT_FLUSH_AFTER_MS = 10;

/**
 * Appends everything `source` yields to the file at `path` (created if missing); resolves with
 * the number of bytes read from `source` once they are all written. When the source fails, the
 * chunks it gave are still written; when a write fails, the file ends at an unknown point. In
 * both cases the file is closed before the error is rethrown, and the caller learns where the
 * file ends from its size.
 */
export async function appendStream(path: string, source: Readable, opts: AppendOptions): Promise<number> {
  const pool = opts.pool ?? new BufferPool({ size: opts.batchBytes, keep: 0 });
  if (pool.size !== opts.batchBytes)
    throw new RangeError(`buffer pool of ${pool.size} bytes for batches of ${opts.batchBytes}`);
  const file = await open(path, "a");
  const flushAfterMs = opts.flushAfterMs ?? DEFAULT_FLUSH_AFTER_MS;
  const buffers = [pool.take(), pool.take()];
  // The write of each buffer's last batch: the buffer is refilled only after it.
  const pending: (Promise<unknown> | undefined)[] = [undefined, undefined];
  let turn = 0;
  let used = 0;
  let total = 0;
  let unsynced = 0;
  // Writes are chained, so that they reach the file in order; a failed write fails the rest.
  let writing: Promise<unknown> = Promise.resolve();
  let writeFailure: { error: unknown } | undefined;
  let syncing: Promise<unknown> = Promise.resolve();
  let syncBusy = false;
  let flushTimer: NodeJS.Timeout | undefined;
  // Hands the filled part of the current buffer to the write chain and turns to the other.
  const flush = (): void => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (used === 0) return;
    const bytes = (buffers[turn] as Buffer).subarray(0, used);
    unsynced += used;
    used = 0;
    writing = handled(
      writing
        .then(() => writeAll(file, [bytes]))
        .catch((error: unknown) => {
          writeFailure ??= { error };
          throw error;
        }),
    );
    pending[turn] = writing;
    turn ^= 1;
    if (opts.syncEveryBytes > 0 && unsynced >= opts.syncEveryBytes && !syncBusy) {
      unsynced = 0;
      syncBusy = true;
      // Not awaited here: it runs on another libuv thread while the upload goes on.
      syncing = handled(writing.then(() => file.datasync()).finally(() => (syncBusy = false)));
    }
  };
  let failure: { error: unknown } | undefined;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (writeFailure) throw writeFailure.error; // stop reading a body that cannot be stored
      opts.onChunk(chunk);
      total += chunk.length;
      for (let offset = 0; offset < chunk.length;) {
        if (used === 0 && pending[turn] !== undefined) {
          await pending[turn];
          pending[turn] = undefined;
        }
        const copied = chunk.copy(buffers[turn] as Buffer, used, offset);
        used += copied;
        offset += copied;
        if (used === opts.batchBytes) flush();
      }
      if (used > 0) flushTimer ??= setTimeout(flush, flushAfterMs);
    }
  } catch (error) {
    failure = { error };
  }
  // Also after a failure of the source: what arrived stays, so that the client can resume.
  try {
    flush();
    await writing;
    await syncing;
  } catch (error) {
    failure ??= { error };
  } finally {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    await Promise.allSettled([writing, syncing]);
    await file.close();
    buffers.forEach((b) => pool.give(b)); // every write has settled: nothing uses them
  }
  if (failure) throw failure.error;
  return total;
}

/**
 * Marks a promise that is awaited only later as handled, so that its rejection while the
 * source is being read is not an unhandled rejection (which ends the process); awaiting the
 * returned promise still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** writev, continuing after a short write (the kernel may write less than asked). */
async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  for (;;) {
    const { bytesWritten } = await file.writev(rest);
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= rest[0]!.length) {
      skip -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (rest.length === 0) return;
    if (bytesWritten === 0) throw new Error("write to the ingest file made no progress");
    rest = [rest[0]!.subarray(skip), ...rest.slice(1)];
  }
}
