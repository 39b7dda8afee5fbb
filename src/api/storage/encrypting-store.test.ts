import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EncryptingStore, loadEncryptionKey } from "./encrypting-store.js";
import { openStore } from "./open.js";
import { SqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), "skiff-enc-"));
  dirs.push(d);
  return d;
};

describe("EncryptingStore", () => {
  it("keeps Secret values out of the database file and reads them back", async () => {
    const dir = await temp();
    const store = await openStore(undefined, dir);
    const secret = JSON.stringify({ kind: "Secret", data: { password: "c3VwZXItc2VjcmV0LXZhbHVl" } });
    const key = "/registry/core/secrets/default/db";
    const created = await store.create(key, Buffer.from(secret));
    expect(created.value.toString()).toBe(secret);
    await store.create("/registry/core/configmaps/default/c", Buffer.from("plain-config-value"));
    expect((await store.get(key))?.value.toString()).toBe(secret);
    expect((await store.list("/registry/core/secrets/")).items[0]?.value.toString()).toBe(secret);
    await store.close();
    let bytes = "";
    for (const f of await readdir(dir))
      if (f.startsWith("state.db")) bytes += (await readFile(join(dir, f))).toString("latin1");
    expect(bytes).not.toContain("c3VwZXItc2VjcmV0LXZhbHVl");
    expect(bytes).toContain("k8s:enc:aesgcm:v1:key1:");
    expect(bytes).toContain("plain-config-value");
    expect((await stat(join(dir, "encryption.key"))).mode & 0o777).toBe(0o600);
  });

  it("decrypts watch events and lost compare-and-swaps", async () => {
    const dir = await temp();
    const store = new EncryptingStore(
      SqliteStore.open(dir, { compactEveryMs: 0 }),
      await loadEncryptionKey(dir),
    );
    const key = "/registry/core/secrets/ns/s";
    const a = await store.create(key, Buffer.from("v1"));
    await store.update(key, Buffer.from("v2"), a.modRevision);
    const err = (await store.update(key, Buffer.from("v3"), a.modRevision).catch((e: unknown) => e)) as {
      current: { value: Buffer };
    };
    expect(err.current.value.toString()).toBe("v2");
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of store.watch("/registry/core/secrets/", 0, ac.signal)) {
      if (ev.type === "put") seen.push(`${ev.value.toString()}<-${ev.prevValue?.toString() ?? ""}`);
      if (seen.length === 2) ac.abort();
    }
    expect(seen).toEqual(["v1<-", "v2<-v1"]);
    await store.close();
  });

  it("refuses a value moved under another key and a wrong key", async () => {
    const dir = await temp();
    const inner = SqliteStore.open(dir, { compactEveryMs: 0 });
    const store = new EncryptingStore(inner, randomBytes(32));
    await store.create("/registry/core/secrets/a/x", Buffer.from("secret"));
    const sealed = (await inner.get("/registry/core/secrets/a/x"))?.value as Buffer;
    await inner.create("/registry/core/secrets/b/x", sealed);
    await expect(store.get("/registry/core/secrets/b/x")).rejects.toThrow(/cannot decrypt/);
    const other = new EncryptingStore(inner, randomBytes(32));
    await expect(other.get("/registry/core/secrets/a/x")).rejects.toThrow(/cannot decrypt/);
    await inner.close();
  });

  it("creates one key however many openers race for it, and keeps it", async () => {
    const dir = await temp();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadEncryptionKey(dir)));
    for (const k of keys) expect(k.equals(keys[0] as Buffer)).toBe(true);
    expect((await loadEncryptionKey(dir)).equals(keys[0] as Buffer)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("says what --datastore accepts", async () => {
    await expect(openStore("mysql://x", await temp())).rejects.toThrow(
      /unsupported --datastore "mysql:\/\/x"/,
    );
  });
});
