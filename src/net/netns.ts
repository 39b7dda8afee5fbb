// Named network namespaces kept alive by a bind mount of /proc/PID/ns/net onto a file, as
// `ip netns add` does, but in our own directory (EXEC_ROOT/netns) so that they are found and
// cleaned up with the rest of Skiff's runtime state. Containers join one by its path.
import { mkdir, open, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { execTool } from "./exec.js";

export class NetnsDir {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  pathOf(name: string): string {
    return join(this.#dir, name);
  }

  /** Names of the namespace files present (none when the directory does not exist yet). */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.#dir)).filter((n) => !n.startsWith("."));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  /**
   * Creates a new network namespace named `name` (replacing a stale one) and returns its path.
   * With `ipTool` (the path of iproute2's `ip`), its loopback interface is brought up in the
   * same child process (what the CNI loopback plugin would do, one process fewer).
   */
  async create(name: string, o: { ipTool?: string } = {}): Promise<string> {
    await mkdir(this.#dir, { recursive: true, mode: 0o711 });
    const path = this.pathOf(name);
    try {
      await (await open(path, "wx", 0o444)).close();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // Left by a crash before detach: a fresh namespace must not inherit its interfaces.
      await removeNetns(path);
      await (await open(path, "wx", 0o444)).close();
    }
    // unshare(1) enters a new netns and bind-mounts it onto the file, then runs the command
    // in it: `ip link set lo up`, or `true`, which exits at once.
    const command = o.ipTool === undefined ? ["true"] : [o.ipTool, "link", "set", "lo", "up"];
    const r = await execTool("unshare", [`--net=${path}`, ...command]);
    if (r.code !== 0) {
      await unlink(path).catch(() => undefined);
      throw new Error(`creating network namespace ${path}: ${r.stderr.trim()}`);
    }
    return path;
  }
}

/** Unmounts and deletes a namespace file; a missing or unmounted file is fine (idempotent). */
export async function removeNetns(path: string): Promise<void> {
  try {
    await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const r = await execTool("umount", [path]);
  if (r.code !== 0 && !/not mounted|no mount point/i.test(r.stderr)) {
    // Busy (a process still holds a mount copy): detach it lazily; the kernel frees it later.
    const lazy = await execTool("umount", ["-l", path]);
    if (lazy.code !== 0 && !/not mounted|no mount point/i.test(lazy.stderr)) {
      throw new Error(`unmounting network namespace ${path}: ${lazy.stderr.trim() || r.stderr.trim()}`);
    }
  }
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
}
