// Docker's multiplexed stream framing (moby pkg/stdcopy), used for attach, exec and logs of
// containers without a TTY: each frame is an 8-byte header — the stream (0 stdin, 1 stdout,
// 2 stderr, 3 systemerr), three zero bytes, the payload length as a big-endian uint32 — then
// the payload. With a TTY the bytes go raw.

export const StreamType = { stdin: 0, stdout: 1, stderr: 2, systemerr: 3 } as const;
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

const HEADER = 8;
/** Keeps each frame's length well inside a uint32 and its buffer small. */
const MAX_PAYLOAD = 1 << 20;

/** Frames `data` for `stream`; large payloads become several frames. */
export function frame(stream: StreamType, data: Buffer): Buffer {
  if (data.length <= MAX_PAYLOAD) return frameOne(stream, data);
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += MAX_PAYLOAD) {
    parts.push(frameOne(stream, data.subarray(at, at + MAX_PAYLOAD)));
  }
  return Buffer.concat(parts);
}

function frameOne(stream: StreamType, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + data.length);
  out.writeUInt32BE(0, 0);
  out[0] = stream;
  out.writeUInt32BE(data.length, 4);
  data.copy(out, HEADER);
  return out;
}

export interface Frame {
  stream: StreamType;
  data: Buffer;
}

/**
 * Splits a multiplexed byte stream back into frames, as `docker` does on its side. Feed it
 * chunks as they arrive; it keeps an incomplete frame until the rest comes.
 */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Frame[] = [];
    while (this.#pending.length >= HEADER) {
      const stream = this.#pending[0] as number;
      if (stream > 3) throw new Error(`stdcopy: unknown stream type ${stream}`);
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      frames.push({ stream: stream as StreamType, data: this.#pending.subarray(HEADER, HEADER + size) });
      this.#pending = this.#pending.subarray(HEADER + size);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Decodes a whole multiplexed buffer into per-stream text (for tests and small outputs). */
export function demux(bytes: Buffer): { stdout: string; stderr: string } {
  const frames = new FrameDecoder().push(bytes);
  const pick = (s: StreamType) =>
    Buffer.concat(frames.filter((f) => f.stream === s).map((f) => f.data)).toString("utf8");
  return { stdout: pick(StreamType.stdout), stderr: pick(StreamType.stderr) };
}
