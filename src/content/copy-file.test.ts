import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { copyFileRange } from "./copy-file.js";

/** A sink that takes its time over each chunk and keeps a copy of what it was given. */
function slowSink(delayMs: number): { sink: Writable; received: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      const copy = Buffer.from(chunk); // the caller reuses its buffer once we call back
      setTimeout(() => {
        chunks.push(copy);
        callback();
      }, delayMs);
    },
  });
  return { sink, received: () => Buffer.concat(chunks) };
}

describe("copyFileRange", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function fileWith(bytes: Buffer) {
    const dir = mkdtempSync(join(tmpdir(), "skiff-copy-"));
    dirs.push(dir);
    writeFileSync(join(dir, "f"), bytes);
    return open(join(dir, "f"), "r");
  }

  it("copies a whole file through a slow sink without mixing up its reused buffers", async () => {
    const bytes = randomBytes(10 * 1000 + 7);
    const file = await fileWith(bytes);
    const { sink, received } = slowSink(1);
    expect(await copyFileRange(file, sink, { start: 0, end: bytes.length - 1 }, 1000)).toBe(bytes.length);
    await file.close();
    expect(received().equals(bytes)).toBe(true);
  });

  it("fills several buffers per round and cuts the last round short", async () => {
    const bytes = randomBytes(10 * 1000 + 7);
    const file = await fileWith(bytes);
    const { sink, received } = slowSink(1);
    const copy = copyFileRange(file, sink, { start: 3, end: bytes.length - 1 }, 1000, 3);
    expect(await copy).toBe(bytes.length - 3);
    await file.close();
    expect(received().equals(bytes.subarray(3))).toBe(true);
  });

  it("copies an inclusive range", async () => {
    const bytes = randomBytes(5000);
    const file = await fileWith(bytes);
    const { sink, received } = slowSink(0);
    await copyFileRange(file, sink, { start: 1234, end: 4321 }, 512);
    await file.close();
    expect(received().equals(bytes.subarray(1234, 4322))).toBe(true);
  });

  it("stops when the destination is gone", async () => {
    const file = await fileWith(randomBytes(100_000));
    const { sink } = slowSink(5);
    const copy = copyFileRange(file, sink, { start: 0, end: 99_999 }, 1000);
    setTimeout(() => sink.destroy(), 20);
    await expect(copy).rejects.toBeInstanceOf(Error);
    await file.close();
  });

  it("fails when the file is shorter than the range", async () => {
    const file = await fileWith(randomBytes(100));
    const { sink } = slowSink(0);
    await expect(copyFileRange(file, sink, { start: 0, end: 199 }, 64)).rejects.toThrow(/ended at 100/);
    await file.close();
  });
});
