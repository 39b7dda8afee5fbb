// A busybox root filesystem as a tar, from the static busybox of Debian's busybox-static:
// the usual test image (`docker import`), since no image can be pulled from Docker Hub here.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import * as tarStream from "tar-stream";
import { findTool } from "./tools.js";

/** The applets linked into bin/, beyond what every test needs (sh, echo, cat, sleep…). */
export const BUSYBOX_APPLETS = [
  "sh",
  "ash",
  "echo",
  "cat",
  "ls",
  "sleep",
  "httpd",
  "top",
  "ps",
  "id",
  "env",
  "true",
  "false",
  "printf",
  "test",
  "[",
  "mkdir",
  "rm",
  "cp",
  "mv",
  "touch",
  "ln",
  "chmod",
  "chown",
  "pwd",
  "hostname",
  "head",
  "tail",
  "grep",
  "sed",
  "awk",
  "wc",
  "sort",
  "uniq",
  "cut",
  "tr",
  "date",
  "uname",
  "whoami",
  "kill",
  "wget",
  "nc",
  "ip",
  "ifconfig",
  "ping",
  "mount",
  "umount",
  "df",
  "du",
  "stat",
  "readlink",
  "find",
  "xargs",
  "tee",
  "yes",
  "seq",
  "basename",
  "dirname",
  "which",
  "nslookup",
  "vi",
  "less",
  "more",
  "md5sum",
  "sha256sum",
  "gzip",
  "gunzip",
  "tar",
  "dd",
  "free",
  "uptime",
  "watch",
  "nohup",
  "timeout",
  "hexdump",
  "od",
  "diff",
  "expr",
  "realpath",
  "mktemp",
  "nproc",
  "sync",
  "ln",
  "usleep",
] as const;

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
const GROUP = "root:x:0:\nnobody:x:65534:\n";

/** Absolute path of the static busybox binary; throws naming the Debian package when missing. */
export function busyboxPath(): string {
  const path = findTool("busybox");
  if (path === undefined) throw new Error("busybox not found; apt-get install busybox-static");
  return path;
}

/**
 * Writes `dir/busybox-rootfs.tar` (plain tar, deterministic: fixed mtimes and owners) and
 * returns its path: bin/busybox, bin/<applet> symlinks, etc/passwd, etc/group, and empty
 * dev, proc, sys, tmp (1777), root, var, etc/hosts, etc/resolv.conf placeholders.
 */
export async function busyboxRootfsTar(dir: string, name = "busybox-rootfs.tar"): Promise<string> {
  const out = join(dir, name);
  await pipeline(busyboxRootfsStream(), createWriteStream(out));
  return out;
}

/** The same tar as a stream. */
export function busyboxRootfsStream(): Readable {
  const pack = tarStream.pack();
  const mtime = new Date("2024-01-01T00:00:00Z");
  const base = { uid: 0, gid: 0, mtime };
  void (async () => {
    try {
      const binary = await readFile(busyboxPath());
      const add = (header: Parameters<typeof pack.entry>[0], body?: Buffer) =>
        new Promise<void>((resolve, reject) => {
          const cb = (err?: Error | null) => (err ? reject(err) : resolve());
          if (body === undefined) pack.entry(header, cb);
          else pack.entry(header, body, cb);
        });
      for (const d of ["bin", "dev", "etc", "proc", "sys", "root", "var", "usr", "usr/bin", "home"]) {
        await add({ ...base, name: `${d}/`, type: "directory", mode: d === "root" ? 0o700 : 0o755 });
      }
      await add({ ...base, name: "tmp/", type: "directory", mode: 0o1777 });
      await add({ ...base, name: "bin/busybox", type: "file", mode: 0o755, size: binary.length }, binary);
      for (const applet of new Set(BUSYBOX_APPLETS)) {
        await add({ ...base, name: `bin/${applet}`, type: "symlink", linkname: "busybox", mode: 0o777 });
      }
      await add({
        ...base,
        name: "usr/bin/env",
        type: "symlink",
        linkname: "../../bin/busybox",
        mode: 0o777,
      });
      for (const [file, text] of [
        ["etc/passwd", PASSWD],
        ["etc/group", GROUP],
        ["etc/hosts", ""],
        ["etc/resolv.conf", ""],
        ["etc/hostname", ""],
      ] as const) {
        const bytes = Buffer.from(text);
        await add({ ...base, name: file, type: "file", mode: 0o644, size: bytes.length }, bytes);
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return Readable.from(pack);
}

/** sha256 hex of the busybox binary, for tests that check what ended up in a container. */
export async function busyboxDigest(): Promise<{ sha256: string; size: number }> {
  const path = busyboxPath();
  return {
    sha256: createHash("sha256")
      .update(await readFile(path))
      .digest("hex"),
    size: (await stat(path)).size,
  };
}
