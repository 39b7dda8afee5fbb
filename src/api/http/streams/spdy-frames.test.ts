import { constants, createDeflate, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SPDY3_DICTIONARY } from "./spdy-dictionary.js";
import {
  FrameReader,
  FrameType,
  HeaderEncoder,
  dataFrame,
  decodeHeaderPairs,
  encodeHeaderPairs,
  synReplyFrame,
} from "./spdy-frames.js";
import { HeaderDecoder } from "./spdy-headers.js";

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const x of buf) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Compresses blocks as Go's spdystream does: one deflate stream with the dictionary, sync-flushed. */
async function goStyleBlocks(blocks: Buffer[]): Promise<Buffer[]> {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  const out: Buffer[] = [];
  for (const block of blocks) {
    const chunks: Buffer[] = [];
    const onData = (b: Buffer) => chunks.push(b);
    deflate.on("data", onData);
    deflate.write(block);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    deflate.off("data", onData);
    out.push(Buffer.concat(chunks));
  }
  deflate.destroy();
  return out;
}

describe("SPDY/3 dictionary", () => {
  it("is the draft's 1423 bytes (adler32 e3c6a7c2)", () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY3_DICTIONARY).toString(16)).toBe("e3c6a7c2");
  });
});

describe("SPDY frames", () => {
  it("splits frames across arbitrary chunk boundaries", () => {
    const bytes = Buffer.concat([
      dataFrame(1, Buffer.from("hello"), true),
      synReplyFrame(3, Buffer.from([1, 2])),
    ]);
    const reader = new FrameReader();
    const frames = [];
    for (const b of bytes) frames.push(...reader.push(Buffer.from([b])));
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ control: false, streamId: 1, flags: 1 });
    expect(frames[0]?.payload.toString()).toBe("hello");
    expect(frames[1]).toMatchObject({ control: true, type: FrameType.SYN_REPLY, flags: 0 });
    expect([...(frames[1]?.payload ?? [])]).toEqual([0, 0, 0, 3, 1, 2]);
  });

  it("refuses another SPDY version", () => {
    const frame = Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 0]);
    expect(() => new FrameReader().push(frame)).toThrow(/version 2/);
  });

  it("round-trips name/value blocks", () => {
    const h = { streamtype: "data", port: "80", requestid: "0" };
    expect(decodeHeaderPairs(encodeHeaderPairs(h))).toEqual(h);
  });
});

describe("SPDY header compression", () => {
  it("decodes a connection's dictionary-compressed blocks in order", async () => {
    const blocks = [
      encodeHeaderPairs({ streamtype: "error", port: "80", requestid: "0" }),
      encodeHeaderPairs({ streamtype: "data", port: "80", requestid: "0" }),
      encodeHeaderPairs({ streamtype: "error", port: "80", requestid: "1" }),
    ];
    const compressed = await goStyleBlocks(blocks);
    expect((compressed[0] as Buffer)[1]! & 0x20).toBe(0x20); // FDICT set, as kubectl's are
    const decoder = new HeaderDecoder();
    expect(await decoder.decode(compressed[0]!)).toEqual({ streamtype: "error", port: "80", requestid: "0" });
    expect(await decoder.decode(compressed[1]!)).toEqual({ streamtype: "data", port: "80", requestid: "0" });
    expect(await decoder.decode(compressed[2]!)).toEqual({ streamtype: "error", port: "80", requestid: "1" });
    decoder.close();
  });

  it("encodes blocks that a zlib reader releases frame by frame (stored blocks + empty block)", () => {
    const enc = new HeaderEncoder();
    const first = enc.encode({});
    const second = enc.encode({ "x-a": "b" });
    expect([...first.subarray(0, 2)]).toEqual([0x78, 0x01]);
    expect([...first.subarray(-5)]).toEqual([0, 0, 0, 0xff, 0xff]);
    const opts = { finishFlush: constants.Z_SYNC_FLUSH };
    expect(decodeHeaderPairs(inflateSync(first, opts))).toEqual({});
    const both = inflateSync(Buffer.concat([first, second]), opts);
    expect(decodeHeaderPairs(both.subarray(4))).toEqual({ "x-a": "b" });
  });
});
