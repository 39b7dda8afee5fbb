// Blobs and blob uploads of a repository: what the blob and upload endpoints do, without
// HTTP. Content goes through the content store's resumable ingests; a blob becomes visible
// in a repository when it is committed and linked, under a per-digest lock shared with the
// garbage collector so a collection never removes bytes that a push has just linked.
import { randomUUID } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import type { KeyedMutex } from "../content/keyed-mutex.js";
import { noteServedBytes, noteStreamedBytes } from "../content/memory-pressure.js";
import {
  ContentNotFoundError,
  DigestMismatchError,
  SizeMismatchError,
  type ByteRange,
  type ContentStore,
} from "../content/store.js";
import type { Digest } from "../oci/digest.js";
import { RegistryError } from "./errors.js";
import type { BlobLink, RegistryMetadata, UploadRecord } from "./metadata.js";

export interface BlobServiceOptions {
  metadata: RegistryMetadata;
  content: ContentStore;
  /** Serializes commit/link against garbage collection of the same digest. */
  locks: KeyedMutex;
  /** Largest blob accepted, in bytes. */
  maxBlobSize: number;
}

export interface UploadState {
  upload: UploadRecord;
  /** Bytes received so far. */
  offset: number;
}

export class BlobService {
  readonly #o: BlobServiceOptions;

  constructor(options: BlobServiceOptions) {
    this.#o = options;
  }

  /** The blob as linked in `repository`, or BLOB_UNKNOWN. */
  stat(repository: string, digest: Digest): BlobLink {
    const link = this.#o.metadata.getBlobLink(repository, digest);
    if (!link) throw new RegistryError("BLOB_UNKNOWN", `blob ${digest} unknown to repository ${repository}`);
    return link;
  }

  /**
   * Writes the blob (or `range` of it) into `sink`, which the caller ends. The caller has
   * checked the blob with `stat` (it needs the size for its headers), so it is not looked up again.
   */
  async copyTo(digest: Digest, sink: Writable, range?: ByteRange): Promise<void> {
    try {
      noteServedBytes(await this.#o.content.copyTo(digest, sink, range));
    } catch (err) {
      // Linked but its bytes are gone: report it as absent rather than fail the request.
      if (err instanceof ContentNotFoundError) {
        throw new RegistryError("BLOB_UNKNOWN", `blob ${digest} unknown to registry`);
      }
      throw err;
    }
  }

  /** Records that a push is about to rely on a blob it saw with HEAD, so GC spares it a while. */
  touch(repository: string, link: BlobLink, minAgeMs = 60_000): void {
    if (Date.now() - link.linkedAt.getTime() > minAgeMs)
      this.#o.metadata.touchBlobLink(repository, link.digest);
  }

  delete(repository: string, digest: Digest): void {
    if (!this.#o.metadata.unlinkBlob(repository, digest)) {
      throw new RegistryError("BLOB_UNKNOWN", `blob ${digest} unknown to repository ${repository}`);
    }
  }

  /** Links a blob of another repository into this one; false when `from` does not have it. */
  async mount(repository: string, digest: Digest, from: string): Promise<boolean> {
    return this.#o.locks.run(digest, async () => {
      const link = this.#o.metadata.getBlobLink(from, digest);
      if (!link || !(await this.#o.content.info(digest))) return false;
      this.#o.metadata.linkBlob(repository, digest, link.size);
      return true;
    });
  }

  startUpload(repository: string): UploadRecord {
    const upload = { id: randomUUID(), repository, startedAt: new Date() };
    this.#o.metadata.createUpload(upload);
    return upload;
  }

  async uploadState(repository: string, id: string): Promise<UploadState> {
    const upload = this.#o.metadata.getUpload(id);
    if (!upload || upload.repository !== repository) {
      throw new RegistryError("BLOB_UPLOAD_UNKNOWN", `upload ${id} unknown to repository ${repository}`);
    }
    const status = await this.#o.content.status(id);
    return { upload, offset: status?.offset ?? 0 };
  }

  /**
   * Appends a chunk. With `range` (from Content-Range) the chunk must start where the
   * upload ends, else 416 and nothing is written; without it the body is streamed on.
   * `length` (Content-Length) lets an oversized chunk be refused before any byte is read.
   */
  async append(
    repository: string,
    id: string,
    body: Readable,
    chunk: { range?: ByteRange; length?: number } = {},
  ): Promise<UploadState> {
    const state = await this.uploadState(repository, id);
    const { range } = chunk;
    if (range && range.start !== state.offset) {
      body.resume();
      throw new RegistryError(
        "RANGE_INVALID",
        `chunk starts at ${range.start} but the upload has ${state.offset} bytes; resume at ${state.offset}`,
        { offset: state.offset },
      );
    }
    const length = chunk.length ?? (range ? range.end - range.start + 1 : 0);
    if (state.offset + length > this.#o.maxBlobSize) {
      body.resume();
      throw this.#tooLarge();
    }
    const writer = await this.#o.content.writer(id);
    const offset = await writer.append(body, { onChunk: this.#bounded(state.offset) });
    return { upload: state.upload, offset };
  }

  /** Completes an upload (with an optional last chunk), verifying the digest, and links the blob;
   *  the upload's record goes with the link. */
  async finishUpload(
    repository: string,
    id: string,
    digest: Digest,
    last?: { body: Readable; length?: number },
  ): Promise<BlobLink> {
    if (last)
      await this.append(repository, id, last.body, last.length === undefined ? {} : { length: last.length });
    else await this.uploadState(repository, id);
    return this.#commit(repository, id, digest);
  }

  async cancelUpload(repository: string, id: string): Promise<void> {
    await this.uploadState(repository, id);
    await this.#o.content.abort(id);
    this.#o.metadata.deleteUpload(id);
  }

  /** A monolithic upload: POST with `?digest=` and the whole blob as the body. */
  async putMonolithic(
    repository: string,
    digest: Digest,
    body: Readable,
    length?: number,
  ): Promise<BlobLink> {
    const upload = this.startUpload(repository);
    try {
      return await this.finishUpload(repository, upload.id, digest, {
        body,
        ...(length !== undefined && { length }),
      });
    } catch (err) {
      await this.#o.content.abort(upload.id);
      this.#o.metadata.deleteUpload(upload.id);
      throw err;
    }
  }

  async #commit(repository: string, id: string, digest: Digest): Promise<BlobLink> {
    const writer = await this.#o.content.writer(id);
    return this.#o.locks.run(digest, async () => {
      try {
        const info = await writer.commit(digest);
        // The link and the end of the upload are one transaction: one WAL sync per blob.
        this.#o.metadata.linkBlob(repository, digest, info.size, { finishedUpload: id });
        return { digest, size: info.size, linkedAt: new Date() };
      } catch (err) {
        if (err instanceof DigestMismatchError || err instanceof SizeMismatchError) {
          // Like the distribution registry: a failed verification ends the upload.
          await this.#o.content.abort(id);
          this.#o.metadata.deleteUpload(id);
          throw new RegistryError("DIGEST_INVALID", err.message);
        }
        throw err;
      }
    });
  }

  #tooLarge(): RegistryError {
    const max = this.#o.maxBlobSize;
    return new RegistryError(
      "PAYLOAD_TOO_LARGE",
      `blob exceeds the registry's limit of ${max} bytes (--max-blob-size)`,
    );
  }

  // Counts the body's chunks (a direct check: a Transform stage per upload cost a stream hop
  // per chunk), failing the append once the upload would exceed the size limit.
  #bounded(offset: number): (chunk: Buffer) => void {
    const max = this.#o.maxBlobSize;
    let seen = offset;
    return (chunk) => {
      seen += chunk.length;
      noteStreamedBytes(chunk.length);
      if (seen > max) throw this.#tooLarge();
    };
  }
}
