// Mounting and unmounting overlays with the system's mount(8), and asking the kernel which
// paths are mount points (containers and their mounts outlive the server, so the kernel's
// table, not memory, is the truth).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Decodes the octal escapes (`\040` for space) the kernel uses in /proc/self/mountinfo. */
export function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points listed in a mountinfo text (the fifth field of each line). */
export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split("\n")) {
    const field = line.split(" ")[4];
    if (field !== undefined) out.push(unescapeMountPath(field));
  }
  return out;
}

export async function mountPoints(): Promise<Set<string>> {
  return new Set(parseMountPoints(await readFile("/proc/self/mountinfo", "utf8")));
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).has(path);
}

export interface OverlayOptions {
  /** Lower directories, top first, relative to `cwd` (short, so long chains fit in one page). */
  lower: readonly string[];
  upper: string;
  work: string;
  target: string;
  cwd: string;
}

// Off: features that let the upper dir depend on lower inodes (index), hold metadata-only
// copies (metacopy) or renamed directories (redirect_dir); diff() reads the upper dir alone.
const FIXED_OPTIONS = "index=off,metacopy=off,redirect_dir=off";

export async function mountOverlay(o: OverlayOptions): Promise<void> {
  const options = `lowerdir=${o.lower.join(":")},upperdir=${o.upper},workdir=${o.work},${FIXED_OPTIONS}`;
  if (options.length >= 4096) {
    throw new Error(`overlay mount options for ${o.target} exceed one page (${options.length} bytes)`);
  }
  await run("mount", ["-t", "overlay", "overlay", "-o", options, o.target], o.cwd);
}

/**
 * Unmounts `target` if it is mounted. A busy mount is an error, unless `lazy` (for leftovers
 * nobody should be using): then it is detached now and freed when its last user goes.
 */
export async function unmount(target: string, o: { lazy?: boolean } = {}): Promise<void> {
  if (!(await isMountPoint(target))) return;
  try {
    await run("umount", [target]);
  } catch (err) {
    if (!o.lazy) throw err;
    await run("umount", ["-l", target]);
  }
}

async function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  try {
    await execFileAsync(cmd, args, { cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`${cmd} ${args.join(" ")} failed: ${stderr || (err as Error).message}`);
  }
}
