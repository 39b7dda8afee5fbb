// Docker's volume "copy-up": a volume that is empty when first mounted over a directory of the
// image gets that directory's contents (owners, modes, links kept), so `VOLUME /data` in an
// image with files in /data starts with them. Paths are resolved inside the rootfs: a symlink
// in the image cannot make us copy from the host.
import { spawn } from "node:child_process";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return false;
  }
}

/** The image's directory at `dest` inside `rootfs`, if it is one and stays inside the rootfs. */
async function imageDir(rootfs: string, dest: string): Promise<string | undefined> {
  try {
    const base = await realpath(rootfs);
    const real = await realpath(join(base, dest));
    if (real !== base && !real.startsWith(base + sep)) return undefined;
    return (await stat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

function cpArchive(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("cp", ["-a", "--", `${from}/.`, to], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`copying ${from} into the volume failed: ${err.trim()}`)),
    );
  });
}

/** Copies the image's content at `dest` into the volume directory `volumeDir` when the volume is empty. */
export async function copyUpIfEmpty(rootfs: string, dest: string, volumeDir: string): Promise<boolean> {
  if (!(await isEmptyDir(volumeDir))) return false;
  const from = await imageDir(rootfs, dest);
  if (from === undefined || (await isEmptyDir(from))) return false;
  await cpArchive(from, volumeDir);
  return true;
}
