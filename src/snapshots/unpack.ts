// Applying one OCI layer tar to a directory: the security boundary between image content and
// the host. Every path is resolved inside the root by RootResolver (no symlink is followed by a
// write), and whiteouts are applied as deletions — when the root is an overlay mount of the
// parent chain with the new layer as upper dir, the kernel records those deletions as overlay
// whiteouts in the new layer. PAX extended attributes (e.g. file capabilities) are not applied.
// File system calls are synchronous for speed (see safe-path.ts); only data arrival, process
// spawns (mknod, mkfifo) and recursive removals yield to the event loop.
import { execFile } from "node:child_process";
import {
  chmodSync,
  closeSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import * as tarStream from "tar-stream";
import { UnsafeEntryError } from "./errors.js";
import { RootResolver, cleanEntryName, lstatOrUndefined } from "./safe-path.js";

const execFileAsync = promisify(execFile);

/** An entry's content as tar-stream yields it. */
type Body = AsyncIterable<unknown> & { resume(): unknown };

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";
const AUFS_META = ".wh..wh.";

export interface UnpackStats {
  entries: number;
}

/**
 * Extracts the uncompressed layer tar `tar` into `root`. Rejects on the first unsafe or broken
 * entry (the caller throws the partial directory away). Resolves once the whole stream has
 * been read, so a hash taken upstream covers every byte.
 */
export async function applyLayer(tar: Readable, root: string): Promise<UnpackStats> {
  const extract = tarStream.extract();
  const piping = pipeline(tar, extract);
  piping.catch(() => undefined); // reported below, after iteration stops
  const applier = new LayerApplier(new RootResolver(root));
  try {
    for await (const entry of extract) {
      await applier.apply(entry.header, entry);
    }
  } catch (err) {
    extract.destroy();
    tar.destroy();
    await piping.catch(() => undefined);
    throw err;
  }
  await piping;
  applier.finish();
  return { entries: applier.entries };
}

class LayerApplier {
  entries = 0;
  readonly #r: RootResolver;
  // Real paths (relative to the root) written by this layer: whiteouts and opaque markers must
  // not delete them, only what lower layers left.
  readonly #written = new Set<string>();
  // Directory mtimes are set last: creating children changes them.
  readonly #dirTimes: Array<{ path: string; mtime: Date }> = [];

  constructor(resolver: RootResolver) {
    this.#r = resolver;
  }

  async apply(h: tarStream.Header, body: Body): Promise<void> {
    this.entries++;
    try {
      await this.#apply(h, body);
    } finally {
      body.resume(); // a skipped or failed entry must still be drained for the next one
    }
  }

  async #apply(h: tarStream.Header, body: Body): Promise<void> {
    const name = cleanEntryName(h.name);
    if (name === "") {
      if (h.type === "directory") this.#setMeta("", h, true);
      return;
    }
    const slash = name.lastIndexOf("/");
    const base = name.slice(slash + 1);
    // aufs metadata (.wh..wh.plnk, .wh..wh.aufs) in old layers: skipped, as Docker does.
    if (base !== OPAQUE && name.split("/").some((p) => p.startsWith(AUFS_META))) return;
    const dir = this.#r.resolveDir(slash < 0 ? "" : name.slice(0, slash), h.name);
    const rel = dir === "" ? base : `${dir}/${base}`;

    if (base === OPAQUE) return this.#makeOpaque(dir);
    if (base.startsWith(WHITEOUT)) {
      const target = base.slice(WHITEOUT.length);
      if (target === "" || target === "." || target === "..") {
        throw new UnsafeEntryError(h.name, "whiteout of the directory itself or its parent");
      }
      const victim = dir === "" ? target : `${dir}/${target}`;
      if (!this.#written.has(victim)) await this.#remove(victim);
      return;
    }

    const path = this.#r.abs(rel);
    const existing = lstatOrUndefined(path);
    this.#markWritten(rel);
    if (h.type === "directory") {
      if (existing && !existing.isDirectory()) await this.#remove(rel);
      if (!existing || !existing.isDirectory()) mkdirSync(path, { mode: 0o700 });
      this.#setMeta(rel, h, true);
      return;
    }
    if (existing) await this.#remove(rel);

    switch (h.type) {
      case "file":
      case "contiguous-file": {
        await writeFile(path, body);
        break;
      }
      case "symlink":
        symlinkSync(h.linkname ?? "", path);
        break;
      case "link": {
        const target = this.#r.resolveLinkTarget(h.linkname ?? "", h.name);
        linkSync(this.#r.abs(target), path);
        return; // a hard link shares the target's inode and metadata
      }
      case "character-device":
      case "block-device":
        await execFileAsync("mknod", [
          path,
          h.type === "character-device" ? "c" : "b",
          String(h.devmajor ?? 0),
          String(h.devminor ?? 0),
        ]);
        break;
      case "fifo":
        await execFileAsync("mkfifo", [path]);
        break;
      default:
        throw new UnsafeEntryError(h.name, `unsupported tar entry type ${String(h.type)}`);
    }
    this.#setMeta(rel, h, false);
  }

  // A path and its parents (created implicitly or not) belong to this layer.
  #markWritten(rel: string): void {
    for (let p = rel; p !== "" && !this.#written.has(p); p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
      this.#written.add(p);
    }
  }

  #setMeta(rel: string, h: tarStream.Header, isDir: boolean): void {
    const path = this.#r.abs(rel);
    lchownSync(path, h.uid ?? 0, h.gid ?? 0);
    const mtime = h.mtime ?? new Date(0);
    if (h.type === "symlink") {
      lutimesSync(path, mtime, mtime);
      return;
    }
    // After chown, which clears setuid/setgid bits.
    chmodSync(path, (h.mode ?? (isDir ? 0o755 : 0o644)) & 0o7777);
    if (isDir) this.#dirTimes.push({ path, mtime });
    else lutimesSync(path, mtime, mtime);
  }

  // rm -rf of a path of the merged view; in an overlay mount the kernel turns it into a whiteout.
  async #remove(rel: string): Promise<void> {
    const st = lstatOrUndefined(this.#r.abs(rel));
    if (!st) return;
    if (st.isDirectory()) await rm(this.#r.abs(rel), { recursive: true, force: true });
    else unlinkSync(this.#r.abs(rel));
    if (!st.isFile()) this.#r.invalidate();
  }

  // An opaque directory hides everything lower layers put in it; entries of this layer stay.
  async #makeOpaque(dir: string): Promise<void> {
    const names = lstatOrUndefined(this.#r.abs(dir))?.isDirectory() ? readdirSync(this.#r.abs(dir)) : [];
    for (const child of names) {
      const rel = dir === "" ? child : `${dir}/${child}`;
      if (!this.#written.has(rel)) await this.#remove(rel);
      else if (lstatOrUndefined(this.#r.abs(rel))?.isDirectory()) await this.#makeOpaque(rel);
    }
  }

  finish(): void {
    for (const { path, mtime } of this.#dirTimes.reverse()) lutimesSync(path, mtime, mtime);
  }
}

// O_EXCL: never opens through a symlink or over an existing file (the caller removed it).
async function writeFile(path: string, body: AsyncIterable<unknown>): Promise<void> {
  const fd = openSync(path, "wx", 0o600);
  try {
    for await (const chunk of body) writeAll(fd, chunk as Uint8Array);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
}
