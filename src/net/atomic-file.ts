// Crash-safe small files: write a temp file, rename it over the target. A reader sees the old
// content or the new, never a torn file, even after kill -9. `durable` adds the fsyncs that
// make it survive a power loss too.
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  o: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const durable = o.durable ?? true;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", o.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (durable) await syncDir(dirname(path));
}

/** Removes a file (missing is fine); `durable` syncs the directory so the removal survives a power loss. */
export async function unlinkAtomic(path: string, o: { durable?: boolean } = {}): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (o.durable ?? true) await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
