// Tars out of snapshot directories: the diff of an active snapshot (its overlay upper dir,
// with overlay whiteouts turned back into OCI `.wh.` entries) for `docker commit`, the merged
// view for `docker export`, and the byte usage of an upper dir for `docker ps -s`.
import { execFile } from "node:child_process";
import { createReadStream, type Stats } from "node:fs";
import { readlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import * as tarStream from "tar-stream";
import { walkTree } from "./tree-walk.js";

const execFileAsync = promisify(execFile);

const OPAQUE_XATTR = "trusted.overlay.opaque";

/** The changes in an overlay upper dir as an uncompressed OCI layer tar. */
export function diffTar(upper: string): Readable {
  return packing(async (w) => {
    const opaque = await opaqueDirs(upper);
    for await (const e of walkTree(upper)) {
      if (isOverlayWhiteout(e.stat)) {
        await w.marker(whiteoutName(e.rel), e.stat);
        continue;
      }
      await w.add(e.rel, e.abs, e.stat);
      if (e.stat.isDirectory() && opaque.has(e.rel)) await w.marker(`${e.rel}/.wh..wh..opq`, e.stat);
    }
  });
}

/**
 * The tree `acquire` yields as a tar; `release` runs when the tar is complete or failed
 * (export mounts a snapshot only for as long as it reads it).
 */
export function exportTar(acquire: () => Promise<{ dir: string; release: () => Promise<void> }>): Readable {
  return packing(async (w) => {
    const { dir, release } = await acquire();
    try {
      for await (const e of walkTree(dir)) await w.add(e.rel, e.abs, e.stat);
    } finally {
      await release();
    }
  });
}

/** Bytes of the files under `dir`, each hard-linked inode counted once. */
export async function usageOf(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  for await (const e of walkTree(dir)) {
    if (e.stat.isDirectory()) continue;
    const inode = `${e.stat.dev}:${e.stat.ino}`;
    if (e.stat.nlink > 1 && seen.has(inode)) continue;
    seen.add(inode);
    total += e.stat.size;
  }
  return total;
}

// overlayfs records a deletion as a character device 0:0 in the upper dir.
export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function whiteoutName(rel: string): string {
  const slash = rel.lastIndexOf("/");
  return `${rel.slice(0, slash + 1)}.wh.${rel.slice(slash + 1)}`;
}

/** Directories under `upper` (relative paths) that overlayfs marked opaque, read in one `getfattr` run. */
export async function opaqueDirs(upper: string): Promise<Set<string>> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      "getfattr",
      [
        "-R",
        "-P",
        "--absolute-names",
        "-e",
        "text",
        "-d",
        "-m",
        `^${OPAQUE_XATTR.replace(/\./g, "\\.")}$`,
        upper,
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    ));
  } catch (err) {
    // getfattr exits 1 when some file could not be read but still prints what it found.
    const partial = (err as { stdout?: string; code?: unknown }).stdout;
    if (typeof partial !== "string" || (err as { code?: unknown }).code === "ENOENT") throw err;
    stdout = partial;
  }
  return parseOpaque(stdout, upper);
}

/** Parses getfattr's dump: `# file: PATH` followed by `trusted.overlay.opaque="y"`. */
export function parseOpaque(dump: string, upper: string): Set<string> {
  const out = new Set<string>();
  let file: string | undefined;
  for (const line of dump.split("\n")) {
    if (line.startsWith("# file: ")) file = unescapeGetfattr(line.slice("# file: ".length));
    else if (file !== undefined && line === `${OPAQUE_XATTR}="y"` && file.startsWith(`${upper}/`)) {
      out.add(file.slice(upper.length + 1));
    }
  }
  return out;
}

// getfattr escapes unusual bytes as \ooo octal (and "\\" for a backslash).
function unescapeGetfattr(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (s[i] === "\\" && s[i + 1] === "\\") {
      bytes.push(0x5c);
      i++;
    } else {
      bytes.push(...Buffer.from(s[i] as string, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

interface TarWriter {
  /** Adds a file system object with its metadata (hard links after the first as links). */
  add(rel: string, abs: string, st: Stats): Promise<void>;
  /** Adds an empty regular file entry, for whiteouts. */
  marker(rel: string, st: Stats): Promise<void>;
}

// Runs `produce` against a tar pack and returns the tar as a Node stream; an error in
// `produce` destroys the stream with it.
function packing(produce: (w: TarWriter) => Promise<void>): Readable {
  const pack = tarStream.pack();
  const links = new Map<string, string>();
  const entry = (header: Parameters<typeof pack.entry>[0], body?: Readable): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body === undefined) {
        // Entries without content end by themselves; an empty file is given its empty body.
        if (header.type === "file") pack.entry(header, Buffer.alloc(0), cb);
        else pack.entry(header, cb);
        return;
      }
      const sink = pack.entry(header, cb);
      void (async () => {
        try {
          for await (const chunk of body) {
            if (!sink.write(chunk as Buffer)) await new Promise<void>((r) => sink.once("drain", () => r()));
          }
          sink.end(null);
        } catch (err) {
          sink.destroy(err as Error);
          reject(err as Error);
        }
      })();
    });
  const writer: TarWriter = {
    async add(rel, abs, st) {
      // The full mode (with type bits): tar-stream takes a mode of 0 as "unset" and would write
      // 0644 for a file with no permissions; the header keeps only the low 12 bits.
      const base = { uid: st.uid, gid: st.gid, mode: st.mode, mtime: st.mtime };
      const inode = `${st.dev}:${st.ino}`;
      if (!st.isDirectory() && st.nlink > 1) {
        const first = links.get(inode);
        if (first !== undefined) return entry({ ...base, name: rel, type: "link", linkname: first, size: 0 });
        links.set(inode, rel);
      }
      if (st.isDirectory()) return entry({ ...base, name: `${rel}/`, type: "directory" });
      if (st.isSymbolicLink())
        return entry({ ...base, name: rel, type: "symlink", linkname: await readlink(abs) });
      if (st.isFile()) {
        const header = { ...base, name: rel, type: "file" as const, size: st.size };
        return entry(header, st.size === 0 ? undefined : createReadStream(abs));
      }
      if (st.isFIFO()) return entry({ ...base, name: rel, type: "fifo" });
      if (st.isCharacterDevice() || st.isBlockDevice()) {
        return entry({
          ...base,
          name: rel,
          type: st.isCharacterDevice() ? "character-device" : "block-device",
          devmajor: Math.floor(st.rdev / 256) & 0xfff,
          devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
        });
      }
      // sockets cannot be archived; tar skips them too
    },
    marker(rel, st) {
      return entry({ name: rel, type: "file", size: 0, mode: 0o644, uid: 0, gid: 0, mtime: st.mtime });
    },
  };
  produce(writer).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}
