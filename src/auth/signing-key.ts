// The HMAC secret that signs every Skiff token. It lives in the data directory so that the
// server and the CLI on the same machine agree on it without any other configuration (as
// `k3s token` does): whoever can read the data directory can mint tokens, nobody else.
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

const KEY_BYTES = 32;
const KEY_FILE = "signing.key";

/** Where the signing key of `dataDir` lives. */
export function signingKeyPath(dataDir: string): string {
  return join(dataDir, "auth", KEY_FILE);
}

/**
 * Returns the signing key of `dataDir`, creating it on first use.
 *
 * The key is published with `link(2)` from a fully written, fsynced temp file: `link` fails
 * when the name exists, so when several processes start together exactly one key wins and
 * every caller returns it. A present but unreadable key is an error, never silently replaced,
 * since replacing it would log every user out and hide tampering.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<Uint8Array> {
  const dir = join(dataDir, "auth");
  const path = join(dir, KEY_FILE);
  const existing = await readKey(path);
  if (existing) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temp = join(dir, `.${KEY_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o600);
  try {
    await file.writeFile(`${randomBytes(KEY_BYTES).toString("hex")}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
  } finally {
    await unlink(temp);
  }
  await syncDirectory(dir);

  const key = await readKey(path);
  if (!key) throw new Error(`signing key ${path} vanished while it was being created`);
  return key;
}

/** The key at `path`, or undefined when there is no file yet. */
async function readKey(path: string): Promise<Uint8Array | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
  const hex = text.trim();
  if (!new RegExp(`^[0-9a-fA-F]{${KEY_BYTES * 2}}$`).test(hex)) {
    throw new Error(`signing key ${path} is malformed: expected ${KEY_BYTES * 2} hex digits`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Makes the new directory entry durable, so a crash cannot leave a key that later vanishes. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
