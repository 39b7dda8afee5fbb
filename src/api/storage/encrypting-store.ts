// Encryption at rest for Secrets, as Kubernetes' EncryptionConfiguration with the aesgcm
// provider does: values under the secrets prefix are stored as
// `k8s:enc:aesgcm:v1:key1:` + 12-byte nonce + AES-256-GCM ciphertext + 16-byte tag, with the
// storage key as additional authenticated data (a value copied under another key does not
// decrypt). Wraps any Store, so both backends get it; the database never sees a secret in clear.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { link, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { fsyncPath, isNotFound } from "../../content/fs-util.js";
import type { ListOptions, ListResult, Store, StoreEvent, StoredObject, WatchStoreOptions } from "./store.js";

const PREFIX = Buffer.from("k8s:enc:aesgcm:v1:key1:");
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** What is encrypted: Secrets (the key layout of src/api/registry/keys.ts). */
export const ENCRYPTED_PREFIXES = ["/registry/core/secrets/"];

export class EncryptingStore implements Store {
  readonly #inner: Store;
  readonly #key: Buffer;

  constructor(inner: Store, key: Buffer) {
    if (key.length !== 32) throw new Error("the encryption key must be 32 bytes (AES-256)");
    this.#inner = inner;
    this.#key = key;
  }

  #encrypted(key: string): boolean {
    return ENCRYPTED_PREFIXES.some((p) => key.startsWith(p));
  }

  #seal(key: string, value: Buffer): Buffer {
    if (!this.#encrypted(key)) return value;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(value), cipher.final()]);
    return Buffer.concat([PREFIX, nonce, body, cipher.getAuthTag()]);
  }

  #open(key: string, value: Buffer): Buffer {
    if (!this.#encrypted(key)) return value;
    // A value written before encryption was turned on is read as it is, as Kubernetes does.
    if (!value.subarray(0, PREFIX.length).equals(PREFIX)) return value;
    const nonce = value.subarray(PREFIX.length, PREFIX.length + NONCE_BYTES);
    const body = value.subarray(PREFIX.length + NONCE_BYTES, value.length - TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, nonce);
    decipher.setAAD(Buffer.from(key));
    decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new Error(`cannot decrypt ${key}: wrong encryption key or damaged value`);
    }
  }

  #clear(o: StoredObject): StoredObject {
    return { ...o, value: this.#open(o.key, o.value) };
  }

  currentRevision(): Promise<number> {
    return this.#inner.currentRevision();
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const o = await this.#inner.get(key);
    return o && this.#clear(o);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const r = await this.#inner.list(prefix, opts);
    return { ...r, items: r.items.map((o) => this.#clear(o)) };
  }

  async create(key: string, value: Buffer): Promise<StoredObject> {
    return { ...(await this.#inner.create(key, this.#seal(key, value))), value };
  }

  async update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject> {
    try {
      return { ...(await this.#inner.update(key, this.#seal(key, value), expectModRevision)), value };
    } catch (err) {
      throw this.#clearError(err);
    }
  }

  async delete(key: string, expectModRevision?: number): Promise<StoredObject> {
    try {
      return this.#clear(await this.#inner.delete(key, expectModRevision));
    } catch (err) {
      throw this.#clearError(err);
    }
  }

  /** A lost compare-and-swap carries the current object: decrypt it too. */
  #clearError(err: unknown): unknown {
    const current = (err as { current?: StoredObject }).current;
    if (current) (err as { current: StoredObject }).current = this.#clear(current);
    return err;
  }

  async *watch(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
    opts?: WatchStoreOptions,
  ): AsyncIterable<StoreEvent> {
    for await (const ev of this.#inner.watch(prefix, afterRevision, signal, opts)) {
      if (ev.type === "delete") {
        yield { ...ev, prevValue: this.#open(ev.key, ev.prevValue) };
      } else {
        yield {
          ...ev,
          value: this.#open(ev.key, ev.value),
          ...(ev.prevValue && { prevValue: this.#open(ev.key, ev.prevValue) }),
        };
      }
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Reads `<dir>/encryption.key`, creating it (32 random bytes, mode 0600, atomically) at first use. */
export async function loadEncryptionKey(dir: string): Promise<Buffer> {
  const path = join(dir, "encryption.key");
  try {
    const key = await readFile(path);
    if (key.length !== 32) throw new Error(`${path} must hold 32 bytes; restore it from a backup`);
    return key;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const key = randomBytes(32);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = await open(tmp, "w", 0o600);
  try {
    await file.writeFile(key);
    await file.sync();
  } finally {
    await file.close();
  }
  // link() refuses to replace: of two servers starting at once, one key wins and both use it.
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return loadEncryptionKey(dir);
  } finally {
    await unlink(tmp);
  }
  await fsyncPath(dir);
  return key;
}
