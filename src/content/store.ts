// The content store: immutable blobs addressed by digest, written through resumable
// ingests that become visible only when committed. Cut like containerd's content store:
// small role interfaces composed into the store.
import type { Readable, Writable } from "node:stream";
import type { Digest } from "../oci/digest.js";

export interface ContentInfo {
  digest: Digest;
  size: number;
  /** When the blob was committed (file mtime); the garbage collector spares young blobs. */
  committedAt: Date;
}

/** An inclusive byte range, as HTTP `Range: bytes=start-end` expresses it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The reading side. */
export interface ContentProvider {
  /** Size and commit time of a committed blob, or undefined when it is not in the store. */
  info(digest: Digest): Promise<ContentInfo | undefined>;
  /**
   * A stream of a committed blob, or of `range` of it. Throws `ContentNotFoundError`
   * when the blob is absent. The caller checks the range against `info().size`.
   */
  read(digest: Digest, range?: ByteRange): Promise<Readable>;
  /**
   * Writes a committed blob, or `range` of it, into `sink` without ending it; the fastest
   * and leanest way to serve a blob to a socket. Throws `ContentNotFoundError` before
   * writing anything when the blob is absent.
   */
  copyTo(digest: Digest, sink: Writable, range?: ByteRange): Promise<number>;
  /** The whole blob in memory; only for small blobs such as manifests. */
  readAll(digest: Digest): Promise<Buffer>;
}

/**
 * A resumable write addressed by an ingest ref. Bytes are appended in order; nothing
 * is visible to readers until `commit`, which verifies digest (and size, when given),
 * publishes the blob atomically (temp file, fsync, rename) and removes the ingest.
 * A failed commit leaves the ingest in place so the client can retry or abort it.
 * An ingest survives a restart of the process: `writer(ref)` on the same ref resumes at
 * the offset already on disk.
 */
export interface ContentWriter {
  readonly ref: string;
  /** Bytes received so far. */
  offset(): number;
  /** Appends a stream; resolves with the new offset. On a stream error the bytes that arrived stay. */
  append(data: Readable, options?: AppendHooks): Promise<number>;
  commit(expected: Digest, expectedSize?: number): Promise<ContentInfo>;
}

export interface AppendHooks {
  /**
   * Sees each chunk before it is stored (e.g. to enforce a size limit without another stream
   * stage). Throwing ends the append with that error; the chunks before it stay.
   */
  onChunk?(chunk: Buffer): void;
}

/** The ingest side. `ref` is an opaque id chosen by the caller (an upload UUID). */
export interface Ingester {
  /** Opens (or resumes) the ingest `ref`. Writers of one ref must not be used concurrently. */
  writer(ref: string): Promise<ContentWriter>;
  /** Stores small content in one step (verifying `expected` when given). */
  put(bytes: Uint8Array, expected?: Digest): Promise<ContentInfo>;
}

export interface IngestStatus {
  ref: string;
  offset: number;
  startedAt: Date;
  updatedAt: Date;
}

/** Managing ingests in progress. */
export interface IngestManager {
  status(ref: string): Promise<IngestStatus | undefined>;
  listIngests(): Promise<IngestStatus[]>;
  /** Discards an ingest and its bytes; aborting an unknown ref is not an error. */
  abort(ref: string): Promise<void>;
}

/** Removing and enumerating blobs, for deletes and the garbage collector. */
export interface ContentManager {
  /** Deletes a committed blob; deleting an absent blob is not an error. */
  delete(digest: Digest): Promise<void>;
  /** Every committed blob. */
  walk(): AsyncIterable<ContentInfo>;
}

export interface ContentStore extends ContentProvider, Ingester, IngestManager, ContentManager {}

export class ContentNotFoundError extends Error {
  constructor(readonly digest: Digest) {
    super(`content ${digest} not found`);
  }
}

/** The bytes did not hash to the digest the client promised; nothing was stored. */
export class DigestMismatchError extends Error {
  constructor(
    readonly expected: Digest,
    readonly actual: Digest,
  ) {
    super(`content digest ${actual} does not match expected ${expected}`);
  }
}

export class SizeMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`content size ${actual} does not match expected ${expected}`);
  }
}

export class IngestNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`ingest ${ref} not found`);
  }
}
