// The kubelet's AtomicWriter: a configMap/secret volume's files live in a timestamped
// directory `..2026_12_07_06_45_00.<random>`; `..data` is a symlink to it and every top-level
// name is a symlink through `..data`. A refresh writes a new directory and renames a new
// `..data` link over the old one, so a reader sees the whole old payload or the whole new one.
import { randomBytes } from "node:crypto";
import {
  chmod,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join, normalize, posix } from "node:path";

export interface PayloadFile {
  data: Buffer;
  mode: number;
}

/** Relative path (may contain "/") → content and mode. */
export type Payload = Map<string, PayloadFile>;

const DATA_DIR = "..data";
const DATA_TMP = "..data_tmp";

/** Rejects paths that could escape the volume or collide with the writer's own names. */
export function checkPayloadPath(path: string): void {
  if (path === "" || posix.isAbsolute(path))
    throw new Error(`invalid path ${JSON.stringify(path)}: must be relative`);
  if (path.length > 4096) throw new Error(`invalid path: longer than 4096 characters`);
  for (const part of path.split("/")) {
    if (part === "..") throw new Error(`invalid path ${JSON.stringify(path)}: must not contain '..'`);
    if (part.startsWith(".."))
      throw new Error(`invalid path ${JSON.stringify(path)}: must not start with '..'`);
  }
}

/** Makes `dir` show exactly `payload`; does nothing when it already does. */
export async function writeAtomic(dir: string, payload: Payload, now: Date): Promise<boolean> {
  for (const path of payload.keys()) checkPayloadPath(path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const current = await readlink(join(dir, DATA_DIR)).catch(() => undefined);
  if (current !== undefined && (await sameContent(join(dir, current), payload))) return false;

  const stamp = now.toISOString().replace(/[-:T]/g, "_").replace(/\..*$/, "");
  const fresh = `..${stamp}.${randomBytes(5).toString("hex")}`;
  const freshPath = join(dir, fresh);
  await mkdir(freshPath, { mode: 0o755 });
  for (const [path, file] of payload) {
    const target = join(freshPath, normalize(path));
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.data, { mode: file.mode });
    await chmod(target, file.mode); // writeFile's mode is masked by the umask
  }
  await unlink(join(dir, DATA_TMP)).catch(() => undefined);
  await symlink(fresh, join(dir, DATA_TMP));
  await rename(join(dir, DATA_TMP), join(dir, DATA_DIR));

  const top = new Set([...payload.keys()].map((p) => p.split("/")[0] ?? p));
  for (const name of top) {
    const link = join(dir, name);
    const existing = await readlink(link).catch(() => undefined);
    if (existing === join(DATA_DIR, name)) continue;
    await rm(link, { recursive: true, force: true });
    await symlink(join(DATA_DIR, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name === DATA_DIR || name === fresh) continue;
    if (name.startsWith("..") || !top.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
  return true;
}

async function sameContent(root: string, payload: Payload): Promise<boolean> {
  const present = await listFiles(root).catch(() => undefined);
  if (present === undefined || present.length !== payload.size) return false;
  for (const path of present) {
    const want = payload.get(path);
    if (want === undefined) return false;
    const full = join(root, path);
    const [data, st] = await Promise.all([readFile(full), stat(full)]);
    if ((st.mode & 0o7777) !== want.mode || !data.equals(want.data)) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
