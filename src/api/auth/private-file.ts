// Durable private files for the PKI: written to a temp name, fsynced, renamed over the target,
// then the directory is fsynced, so a crash leaves either the old or the new file, never half.
import { randomBytes } from "node:crypto";
import { chmod, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fsyncPath, mkdirDurable } from "../../content/fs-util.js";

/** Writes `text` to `path` atomically with `mode` (0600 for keys and tokens). */
export async function writeFileAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    // The umask may have narrowed the mode at open; a key must not end wider either.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncPath(dirname(path));
}

/** Creates `dir` (and parents, durably) and forces it to 0700 even if it already existed wider. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdirDurable(dir);
  await chmod(dir, 0o700);
}
