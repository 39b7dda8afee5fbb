import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateSigningKey, signingKeyPath } from "./signing-key.js";

describe("loadOrCreateSigningKey", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-auth-key-"));
    dirs.push(dir);
    return dir;
  };

  it("creates a 32-byte key with private permissions, then returns the same key", async () => {
    const dir = dataDir();
    const key = await loadOrCreateSigningKey(dir);
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.length).toBe(32);
    expect(statSync(signingKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "auth")).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateSigningKey(dir)).toEqual(key);
  });

  it("gives every concurrent caller the same key and leaves no temp files", async () => {
    const dir = dataDir();
    const keys = await Promise.all(Array.from({ length: 16 }, () => loadOrCreateSigningKey(dir)));
    const hex = new Set(keys.map((k) => Buffer.from(k).toString("hex")));
    expect(hex.size).toBe(1);
    expect(readdirSync(join(dir, "auth"))).toEqual(["signing.key"]);
  });

  it("refuses a malformed key instead of replacing it", async () => {
    const dir = dataDir();
    mkdirSync(join(dir, "auth"), { recursive: true });
    writeFileSync(signingKeyPath(dir), "not a key\n");
    await expect(loadOrCreateSigningKey(dir)).rejects.toThrow(/malformed/);
  });
});
