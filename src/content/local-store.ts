// The content store on a local filesystem. Layout under the root:
//   blobs/<alg>/<first two hex>/<hex>  committed blobs, never modified in place
//   ingest/<ref>/data                  bytes of a resumable write
//   ingest/<ref>/startedat             empty marker; its mtime is when the ingest started
//   tmp/                               files of `put` before their rename
// A blob path appears only by renaming a complete, verified, fsynced file, so after kill -9
// it either does not exist or holds the whole blob.
import { randomUUID } from "node:crypto";
import type { Stats } from "node:fs";
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { digestAlgorithm, digestHex, digestOf, isDigest, parseDigest, type Digest } from "../oci/digest.js";
import {
  DOWNLOAD_BUFFERS,
  STREAM_CHUNK_BYTES,
  fsyncPath,
  isNotFound,
  isValidRef,
  mkdirDurable,
  streamBuffers,
  validateRef,
} from "./fs-util.js";
import { copyFileRange } from "./copy-file.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { LocalWriter } from "./local-writer.js";
import {
  ContentNotFoundError,
  DigestMismatchError,
  type ByteRange,
  type ContentInfo,
  type ContentStore,
  type ContentWriter,
  type IngestStatus,
} from "./store.js";

const PREFIX = /^[a-f0-9]{2}$/;

export class LocalContentStore implements ContentStore {
  readonly root: string;
  readonly #blobs: string;
  readonly #ingest: string;
  readonly #tmp: string;
  // Orders publish and delete of one digest, so a delete never removes a blob a commit just published.
  readonly #locks = new KeyedMutex();
  // At most one live writer per ref: each chunk of an upload asks for the writer again.
  readonly #writers = new Map<string, Promise<LocalWriter>>();

  private constructor(root: string) {
    this.root = root;
    this.#blobs = join(root, "blobs");
    this.#ingest = join(root, "ingest");
    this.#tmp = join(root, "tmp");
  }

  /** Opens the store at `root`, creating its directories and removing what crashed writes left. */
  static async open(root: string): Promise<LocalContentStore> {
    const store = new LocalContentStore(resolve(root));
    await Promise.all([store.#blobs, store.#ingest, store.#tmp].map((d) => mkdir(d, { recursive: true })));
    await store.#sweepLeftovers();
    return store;
  }

  async info(digest: Digest): Promise<ContentInfo | undefined> {
    try {
      return toInfo(digest, await stat(this.#blobPath(digest)));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async read(digest: Digest, range?: ByteRange): Promise<Readable> {
    if (range && !isValidRange(range)) throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
    // Opening first makes absence an error of this call, and the open descriptor keeps the
    // bytes readable even if the blob is deleted while the stream is consumed.
    const handle = await open(this.#blobPath(digest), "r").catch((err: unknown) => {
      throw isNotFound(err) ? new ContentNotFoundError(digest) : err;
    });
    // Large reads: fewer, bigger chunks cut the per-chunk cost of streaming a layer to a socket.
    const options = {
      highWaterMark: STREAM_CHUNK_BYTES,
      ...(range && { start: range.start, end: range.end }),
    };
    return handle.createReadStream(options);
  }

  async copyTo(digest: Digest, sink: Writable, range?: ByteRange): Promise<number> {
    if (range && !isValidRange(range)) throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
    const handle = await open(this.#blobPath(digest), "r").catch((err: unknown) => {
      throw isNotFound(err) ? new ContentNotFoundError(digest) : err;
    });
    try {
      const whole = range ?? { start: 0, end: (await handle.stat()).size - 1 };
      return whole.end < whole.start
        ? 0
        : await copyFileRange(handle, sink, whole, streamBuffers, DOWNLOAD_BUFFERS);
    } finally {
      await handle.close();
    }
  }

  async readAll(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.#blobPath(digest));
    } catch (err) {
      throw isNotFound(err) ? new ContentNotFoundError(digest) : err;
    }
  }

  async writer(ref: string): Promise<ContentWriter> {
    validateRef(ref);
    const live = this.#writers.get(ref);
    if (live) return live;
    const forget = () => {
      if (this.#writers.get(ref) === opening) this.#writers.delete(ref);
    };
    const opening = this.#openWriter(ref, forget);
    this.#writers.set(ref, opening);
    opening.catch(forget);
    return opening;
  }

  async put(bytes: Uint8Array, expected?: Digest): Promise<ContentInfo> {
    const actual = digestOf(bytes, expected ? digestAlgorithm(expected) : "sha256");
    if (expected !== undefined && actual !== expected) throw new DigestMismatchError(expected, actual);
    const file = join(this.#tmp, randomUUID());
    try {
      await writeFile(file, bytes, { flag: "wx" });
      return await this.#publish(file, actual);
    } finally {
      await rm(file, { force: true }); // gone already after a successful rename
    }
  }

  async status(ref: string): Promise<IngestStatus | undefined> {
    const dir = join(this.#ingest, validateRef(ref));
    let data: Stats;
    try {
      data = await stat(join(dir, "data"));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const started = await stat(join(dir, "startedat")).catch(() => data);
    return { ref, offset: data.size, startedAt: started.mtime, updatedAt: data.mtime };
  }

  async listIngests(): Promise<IngestStatus[]> {
    const refs = (await readdir(this.#ingest)).filter(isValidRef).sort();
    const statuses = await Promise.all(refs.map((ref) => this.status(ref)));
    return statuses.filter((s): s is IngestStatus => s !== undefined);
  }

  async abort(ref: string): Promise<void> {
    validateRef(ref);
    const writer = this.#writers.get(ref);
    if (writer) (await writer.catch(() => undefined))?.close();
    await rm(join(this.#ingest, ref), { recursive: true, force: true });
  }

  async delete(digest: Digest): Promise<void> {
    const path = this.#blobPath(digest);
    // The prefix directory stays: removing it could race a commit of another digest into it.
    await this.#locks.run(digest, () =>
      unlink(path).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      }),
    );
  }

  async *walk(): AsyncGenerator<ContentInfo> {
    for (const algorithm of await listDir(this.#blobs)) {
      for (const prefix of await listDir(join(this.#blobs, algorithm))) {
        if (!PREFIX.test(prefix)) continue;
        for (const name of await listDir(join(this.#blobs, algorithm, prefix))) {
          const digest = `${algorithm}:${name}`;
          if (!name.startsWith(prefix) || !isDigest(digest)) continue;
          const stats = await stat(join(this.#blobs, algorithm, prefix, name)).catch(() => undefined);
          if (stats?.isFile()) yield toInfo(digest as Digest, stats); // undefined: deleted meanwhile
        }
      }
    }
  }

  async #openWriter(ref: string, onClose: () => void): Promise<LocalWriter> {
    const dir = join(this.#ingest, ref);
    await mkdir(dir, { recursive: true });
    // 'wx' keeps the original start time when an ingest is resumed.
    await writeFile(join(dir, "startedat"), "", { flag: "wx" }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    });
    await writeFile(join(dir, "data"), "", { flag: "a" });
    const { size } = await stat(join(dir, "data"));
    return new LocalWriter(ref, {
      dir,
      offset: size,
      publish: (file, digest) => this.#publish(file, digest),
      onClose,
    });
  }

  // Makes a verified file the blob `digest`: fsync, rename, fsync the directory.
  async #publish(file: string, digest: Digest): Promise<ContentInfo> {
    const target = this.#blobPath(digest);
    return this.#locks.run(digest, async () => {
      // The mtime is the commit time that info() reports and the garbage collector's grace period measures.
      const now = new Date();
      const existing = await stat(target).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      if (existing) {
        // Content addressed: these bytes are already stored. Committing again makes the blob young.
        await rm(file, { force: true });
        await utimes(target, now, now);
        return toInfo(digest, await stat(target));
      }
      await utimes(file, now, now);
      await fsyncPath(file);
      await mkdirDurable(dirname(target));
      await rename(file, target);
      await fsyncPath(dirname(target));
      return toInfo(digest, await stat(target));
    });
  }

  // Paths come only from a re-validated algorithm and hex, so no digest can point outside blobs/.
  #blobPath(digest: Digest): string {
    const valid = parseDigest(digest);
    const hex = digestHex(valid);
    return join(this.#blobs, digestAlgorithm(valid), hex.slice(0, 2), hex);
  }

  // Files in tmp/ are from puts that crashed before their rename; ingest directories without
  // data were left between their mkdir and first write, or after a commit's rename.
  async #sweepLeftovers(): Promise<void> {
    for (const name of await readdir(this.#tmp))
      await rm(join(this.#tmp, name), { recursive: true, force: true });
    for (const ref of await readdir(this.#ingest)) {
      const dir = join(this.#ingest, ref);
      const data = await stat(join(dir, "data")).catch(() => undefined);
      if (!data) await rm(dir, { recursive: true, force: true });
    }
  }
}

function toInfo(digest: Digest, stats: Stats): ContentInfo {
  return { digest, size: stats.size, committedAt: stats.mtime };
}

function isValidRange(range: ByteRange): boolean {
  return (
    Number.isSafeInteger(range.start) &&
    Number.isSafeInteger(range.end) &&
    range.start >= 0 &&
    range.end >= range.start
  );
}

// Entries of a directory; none when it is missing or is not a directory.
async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw err;
  }
}
