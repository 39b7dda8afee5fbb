// One resumable ingest on disk: `<dir>/data` grows by appends while a running hash follows
// it in memory, so a commit does not read the bytes a second time.
import type { Hash } from "node:crypto";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createDigester, digestAlgorithm, finishDigest, type Digest } from "../oci/digest.js";
import { appendStream } from "./append-file.js";
import { STREAM_CHUNK_BYTES, hashFile, streamBuffers } from "./fs-util.js";
import {
  DigestMismatchError,
  IngestNotFoundError,
  SizeMismatchError,
  type AppendHooks,
  type ContentInfo,
  type ContentWriter,
} from "./store.js";

// The algorithm of the running hash; a commit with another algorithm re-reads the file.
const RUNNING = "sha256";
// Writeback is started every this many bytes of an upload, so that a commit's fsync is short.
const WRITEBACK_EVERY_BYTES = 4 * 1024 * 1024;

export interface LocalWriterOptions {
  /** The ingest directory; the bytes are in `data`. */
  dir: string;
  /** Bytes already in `data`. */
  offset: number;
  /** Moves a verified file to the blob path of `digest` atomically, or drops it when the blob exists. */
  publish(file: string, digest: Digest): Promise<ContentInfo>;
  /** Called when the writer ends, after a commit or an abort. */
  onClose(): void;
}

export class LocalWriter implements ContentWriter {
  readonly ref: string;
  readonly #o: LocalWriterOptions;
  readonly #data: string;
  #offset: number;
  // Hash of exactly the first #offset bytes of data; undefined until rebuilt from the file
  // (after a restart, or after an append failed part way).
  #hash: Hash | undefined;
  #busy = false;
  #closed = false;

  constructor(ref: string, options: LocalWriterOptions) {
    this.ref = ref;
    this.#o = options;
    this.#data = join(options.dir, "data");
    this.#offset = options.offset;
    this.#hash = options.offset === 0 ? createDigester(RUNNING) : undefined;
  }

  offset(): number {
    return this.#offset;
  }

  append(data: Readable, options: AppendHooks = {}): Promise<number> {
    return this.#exclusive(async () => {
      const hash = await this.#runningHash();
      const before = this.#offset;
      let appended = -1;
      let failure: { error: unknown } | undefined;
      try {
        appended = await appendStream(this.#data, data, {
          onChunk: (chunk) => {
            options.onChunk?.(chunk); // first: a chunk it refuses is neither hashed nor written
            hash.update(chunk);
          },
          batchBytes: STREAM_CHUNK_BYTES,
          pool: streamBuffers,
          syncEveryBytes: WRITEBACK_EVERY_BYTES,
        });
      } catch (error) {
        failure = { error };
      }
      // The file is the truth: appendStream has closed it; measure it.
      this.#offset = (await stat(this.#data)).size;
      // On failure the hash may cover bytes that never reached the file.
      if (failure || this.#offset !== before + appended) this.#hash = undefined;
      if (failure) throw failure.error;
      return this.#offset;
    });
  }

  commit(expected: Digest, expectedSize?: number): Promise<ContentInfo> {
    return this.#exclusive(async () => {
      const size = (await stat(this.#data)).size;
      if (expectedSize !== undefined && size !== expectedSize)
        throw new SizeMismatchError(expectedSize, size);
      const algorithm = digestAlgorithm(expected);
      const hash =
        algorithm === RUNNING && this.#offset === size
          ? (await this.#runningHash()).copy() // copy: a failed commit keeps the running hash
          : (await hashFile(this.#data, algorithm)).hash;
      const actual = finishDigest(hash, algorithm);
      if (actual !== expected) throw new DigestMismatchError(expected, actual);
      const info = await this.#o.publish(this.#data, expected);
      this.close();
      // The blob is published; a leftover directory without data is removed at the next open.
      await rm(this.#o.dir, { recursive: true, force: true }).catch(() => {});
      return info;
    });
  }

  /** Ends this writer without touching its files (the store removes them); later calls throw. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#hash = undefined;
    this.#o.onClose();
  }

  async #runningHash(): Promise<Hash> {
    if (!this.#hash) {
      const { hash, size } = await hashFile(this.#data, RUNNING);
      this.#hash = hash;
      this.#offset = size;
    }
    return this.#hash;
  }

  // Guards against concurrent use, which would interleave bytes and corrupt the hash.
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new IngestNotFoundError(this.ref);
    if (this.#busy) throw new Error(`ingest ${this.ref} is already being written or committed`);
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }
}
