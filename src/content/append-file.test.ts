import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { appendStream } from "./append-file.js";
import { BufferPool } from "./buffer-pool.js";

/** Yields `bytes` in chunks of `size`, then optionally fails. */
function chunked(bytes: Buffer, size: number, failAfter?: Error): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      if (failAfter) throw failAfter;
    })(),
  );
}

describe("appendStream", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const fileIn = (content?: Buffer): string => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-append-"));
    dirs.push(dir);
    const path = join(dir, "data");
    if (content) writeFileSync(path, content);
    return path;
  };

  it("appends every chunk in order, batching and syncing as it goes", async () => {
    const before = randomBytes(1000);
    const bytes = randomBytes(300_007);
    const path = fileIn(before);
    const hash = createHash("sha256");
    const opts = { onChunk: (c: Buffer) => hash.update(c), batchBytes: 4096, syncEveryBytes: 50_000 };
    expect(await appendStream(path, chunked(bytes, 1000), opts)).toBe(bytes.length);
    expect(readFileSync(path).equals(Buffer.concat([before, bytes]))).toBe(true);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("creates a missing file and handles an empty stream", async () => {
    const path = fileIn();
    const opts = { onChunk: () => {}, batchBytes: 10, syncEveryBytes: 0 };
    expect(await appendStream(path, chunked(Buffer.alloc(0), 1), opts)).toBe(0);
    expect(readFileSync(path).length).toBe(0);
  });

  it("writes what arrived before the source failed, then rethrows", async () => {
    const bytes = randomBytes(10_000);
    const path = fileIn();
    const opts = { onChunk: () => {}, batchBytes: 1000, syncEveryBytes: 2000 };
    await expect(
      appendStream(path, chunked(bytes, 500, new Error("client went away")), opts),
    ).rejects.toThrow("client went away");
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("stops reading when onChunk throws", async () => {
    const path = fileIn();
    let seen = 0;
    const opts = {
      onChunk: () => {
        if (++seen === 3) throw new Error("too large");
      },
      batchBytes: 1,
      syncEveryBytes: 0,
    };
    await expect(appendStream(path, chunked(randomBytes(100), 10), opts)).rejects.toThrow("too large");
    expect(seen).toBe(3);
    expect(readFileSync(path).length).toBe(20);
  });

  it("takes its two buffers from a pool and gives them back", async () => {
    const pool = new BufferPool({ size: 4096, keep: 4 });
    const bytes = randomBytes(50_000);
    const path = fileIn();
    const opts = { onChunk: () => {}, batchBytes: 4096, pool, syncEveryBytes: 0 };
    expect(await appendStream(path, chunked(bytes, 3000), opts)).toBe(bytes.length);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(pool.freeCount).toBe(2);
    await expect(appendStream(path, chunked(bytes, 10), { ...opts, batchBytes: 10 })).rejects.toThrow(
      RangeError,
    );
  });

  it("writes a partial batch of a slow source without waiting for it to fill", async () => {
    const path = fileIn();
    let release: () => void = () => {};
    const source = Readable.from(
      (async function* () {
        yield Buffer.from("first");
        await new Promise<void>((resolve) => (release = resolve));
        yield Buffer.from("second");
      })(),
    );
    const opts = { onChunk: () => {}, batchBytes: 1 << 20, syncEveryBytes: 0, flushAfterMs: 5 };
    const done = appendStream(path, source, opts);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readFileSync(path, "utf8")).toBe("first");
    release();
    expect(await done).toBe(11);
    expect(readFileSync(path, "utf8")).toBe("firstsecond");
  });
});
