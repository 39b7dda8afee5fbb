import { describe, expect, it } from "vitest";
import { FrameDecoder, StreamType, demux, frame } from "./stdcopy.js";

describe("stdcopy framing", () => {
  it("writes the 8-byte header: stream, three zeros, big-endian length", () => {
    const f = frame(StreamType.stderr, Buffer.from("hi"));
    expect([...f.subarray(0, 8)]).toEqual([2, 0, 0, 0, 0, 0, 0, 2]);
    expect(f.subarray(8).toString()).toBe("hi");
    expect([...frame(StreamType.stdout, Buffer.alloc(0))]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(frame(StreamType.stdout, Buffer.alloc(300)).readUInt32BE(4)).toBe(300);
  });

  it("splits large payloads into several frames", () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const frames = new FrameDecoder().push(frame(StreamType.stdout, big));
    expect(frames.length).toBe(3);
    expect(Buffer.concat(frames.map((f) => f.data)).equals(big)).toBe(true);
  });

  it("decodes frames split across chunks at any byte", () => {
    const bytes = Buffer.concat([
      frame(StreamType.stdout, Buffer.from("out\n")),
      frame(StreamType.stderr, Buffer.from("err\n")),
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      expect(frames.map((f) => f.data.toString())).toEqual(["out\n", "err\n"]);
      expect(d.pendingBytes).toBe(0);
    }
    expect(demux(bytes)).toEqual({ stdout: "out\n", stderr: "err\n" });
  });

  it("rejects an unknown stream type", () => {
    expect(() => new FrameDecoder().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]))).toThrow(
      /unknown stream type 9/,
    );
  });
});
