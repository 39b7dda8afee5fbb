// Appending a stream to a file: chunks are batched into large vectored writes, one write is in
// flight while the next batch fills, and the kernel is asked to write the data back to disk
// every few MiB as it arrives. The commit's fsync then flushes only the tail instead of the
// whole blob, which otherwise made the client wait ~25 ms per 25 MiB layer after its upload.
import { open, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";

export interface AppendOptions {
  /** Sees every chunk, in order, before it is written (the running hash). */
  onChunk(chunk: Buffer): void;
  /** Bytes gathered before one vectored write. */
  batchBytes: number;
  /** Start a background fdatasync after this many more bytes were written (0: never). */
  syncEveryBytes: number;
}

/**
 * Appends everything `source` yields to the file at `path` (created if missing); resolves with
 * the number of bytes read from `source` once they are all written. When the source fails, the
 * chunks it gave are still written; when a write fails, the file ends at an unknown point. In
 * both cases the file is closed before the error is rethrown, and the caller learns where the
 * file ends from its size.
 */
export async function appendStream(path: string, source: Readable, opts: AppendOptions): Promise<number> {
  const file = await open(path, "a");
  let batch: Buffer[] = [];
  let batchSize = 0;
  let total = 0;
  let unsynced = 0;
  let writing: Promise<unknown> = Promise.resolve();
  let syncing: Promise<unknown> = Promise.resolve();
  let syncBusy = false;
  const flush = async (): Promise<void> => {
    await writing; // one write in flight; 'a' appends each at the end, so order is kept by this wait
    const buffers = batch;
    unsynced += batchSize;
    batch = [];
    batchSize = 0;
    writing = handled(writeAll(file, buffers));
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
      opts.onChunk(chunk);
      total += chunk.length;
      batch.push(chunk);
      batchSize += chunk.length;
      // Write a full batch, or whatever came when the source has nothing more queued: a slow
      // client's bytes reach the file (and the upload's reported offset) as they arrive.
      if (batchSize >= opts.batchBytes || source.readableLength === 0) await flush();
    }
  } catch (error) {
    failure = { error };
  }
  // Also after a failure of the source: what arrived stays, so that the client can resume.
  try {
    if (batchSize > 0) await flush();
    await writing;
    await syncing;
  } catch (error) {
    failure ??= { error };
  } finally {
    await Promise.allSettled([writing, syncing]);
    await file.close();
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
