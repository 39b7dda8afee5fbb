import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { DigestingStream, decompressed, detectCompression } from "./layer-stream.js";

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("layer streams", () => {
  const data = Buffer.from("plain tar bytes ".repeat(1000));

  it("detects compression by magic bytes", () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe("gzip");
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe("zstd");
    expect(detectCompression(Buffer.from("ustar"))).toBe("none");
  });

  it("passes plain data through and gunzips gzip, even in tiny chunks", async () => {
    expect(await collect(await decompressed(Readable.from([data])))).toEqual(data);
    const gz = gzipSync(data);
    const bytes = [...gz].map((b) => Buffer.from([b]));
    expect(await collect(await decompressed(Readable.from(bytes)))).toEqual(data);
  });

  it("refuses zstd clearly", async () => {
    await expect(decompressed(Readable.from([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])]))).rejects.toThrow(
      /zstd-compressed layers are not supported/,
    );
  });

  it("handles an empty blob", async () => {
    expect(await collect(await decompressed(Readable.from([])))).toEqual(Buffer.alloc(0));
  });

  it("hashes and counts what passes", async () => {
    const d = new DigestingStream();
    await collect(Readable.from([data]).pipe(d));
    expect(d.bytes).toBe(data.length);
    expect(d.digest()).toBe(`sha256:${createHash("sha256").update(data).digest("hex")}`);
  });
});
