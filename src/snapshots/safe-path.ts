// Resolving tar entry paths inside a root without ever letting the kernel follow a symlink
// while writing (the idea of Go's securejoin): every parent component is lstat'ed; a symlink is
// resolved by us, as the container would see it (absolute targets start again at the root), and
// a relative target that climbs above the root refuses the entry. The caller then writes to the
// resulting path, whose parents are all real directories. File system calls are synchronous:
// an unpack makes tens of thousands of tiny ones, and a thread-pool round trip for each made
// it several times slower than GNU tar (measured on a 50 MB, 3000-file layer).
import { lstatSync, mkdirSync, readlinkSync, type Stats } from "node:fs";
import { posix } from "node:path";
import { UnsafeEntryError } from "./errors.js";

const MAX_LINKS = 40; // as the kernel's MAXSYMLINKS

/**
 * The entry name as a clean relative path ("" is the root itself). Leading "/" and "./" are
 * dropped (absolute names are made relative); a ".." that would climb above the root refuses
 * the entry.
 */
export function cleanEntryName(name: string): string {
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new UnsafeEntryError(name, "path escapes the root with '..'");
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join("/");
}

export class RootResolver {
  readonly #root: string;
  // Lexical directory path → resolved real directory path (both relative to the root).
  readonly #dirs = new Map<string, string>();

  constructor(root: string) {
    this.#root = root;
  }

  get root(): string {
    return this.#root;
  }

  abs(rel: string): string {
    return rel === "" ? this.#root : `${this.#root}/${rel}`;
  }

  /** Forget resolved directories; call after removing or replacing anything but a regular file. */
  invalidate(): void {
    this.#dirs.clear();
  }

  /**
   * Resolves the directory `dir` (a clean relative path) to a real directory inside the root,
   * creating missing components (mode 0755) as tar does. `entry` names the tar entry in errors.
   */
  resolveDir(dir: string, entry: string): string {
    if (dir === "") return "";
    const cached = this.#dirs.get(dir);
    if (cached !== undefined) return cached;
    const resolved = this.#walk(dir, entry, true);
    this.#dirs.set(dir, resolved);
    return resolved;
  }

  /**
   * Resolves a hardlink target: it must already exist inside the root, and no component on the
   * way may be a symlink (a link through a symlink could reach anything the symlink names).
   */
  resolveLinkTarget(target: string, entry: string): string {
    let rel: string;
    try {
      rel = cleanEntryName(target);
    } catch {
      throw new UnsafeEntryError(entry, `hardlink target ${JSON.stringify(target)} is outside the root`);
    }
    if (rel === "") throw new UnsafeEntryError(entry, "hardlink to the root directory");
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const partial = parts.slice(0, i).join("/");
      const st = lstatOrUndefined(this.abs(partial));
      if (st === undefined) {
        throw new UnsafeEntryError(entry, `hardlink target ${JSON.stringify(target)} does not exist`);
      }
      if (i < parts.length && !st.isDirectory()) {
        throw new UnsafeEntryError(
          entry,
          `hardlink target ${JSON.stringify(target)} goes through a symlink or file`,
        );
      }
      if (i === parts.length && st.isDirectory()) {
        throw new UnsafeEntryError(entry, `hardlink target ${JSON.stringify(target)} is a directory`);
      }
    }
    return rel;
  }

  #walk(dir: string, entry: string, create: boolean): string {
    const queue = dir.split("/");
    const done: string[] = [];
    let links = 0;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (done.length === 0) {
          throw new UnsafeEntryError(entry, "a symlink in its path points outside the root");
        }
        done.pop();
        continue;
      }
      const rel = [...done, part].join("/");
      const path = this.abs(rel);
      const st = lstatOrUndefined(path);
      if (st === undefined) {
        if (!create) throw new UnsafeEntryError(entry, `parent ${rel} does not exist`);
        mkdirSync(path, { mode: 0o755 });
        done.push(part);
      } else if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw new UnsafeEntryError(entry, "too many levels of symbolic links");
        const target = readlinkSync(path);
        if (posix.isAbsolute(target)) done.length = 0;
        queue.unshift(...target.split("/"));
      } else if (st.isDirectory()) {
        done.push(part);
      } else {
        throw new UnsafeEntryError(entry, `parent ${rel} is not a directory`);
      }
    }
    return done.join("/");
  }
}

/** lstat that says "absent" for ENOENT instead of throwing. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
