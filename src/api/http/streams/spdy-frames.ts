// SPDY/3.1 framing (kubectl-wire §11.3): splitting a byte stream into control and data frames,
// encoding the frames a server sends, and header blocks — decoded with one zlib stream per
// connection primed with the SPDY dictionary, encoded as zlib stored blocks (no compressor
// needed; the empty stored block after each one makes Go's flate release the bytes at once).

export const FLAG_FIN = 0x01;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer; raw: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Cuts complete frames off a growing buffer; frame boundaries need not match chunk boundaries. */
export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);

  /** The frames completed by `chunk`, in order. */
  push(chunk: Buffer): Frame[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const frames: Frame[] = [];
    while (this.#buf.length >= 8) {
      const length = this.#buf.readUIntBE(5, 3);
      if (this.#buf.length < 8 + length) break;
      const raw = this.#buf.subarray(0, 8 + length);
      const flags = raw[4] as number;
      const payload = raw.subarray(8);
      if (((raw[0] as number) & 0x80) !== 0) {
        const version = raw.readUInt16BE(0) & 0x7fff;
        if (version !== 3) throw new Error(`unsupported SPDY version ${version}`);
        frames.push({ control: true, type: raw.readUInt16BE(2), flags, payload, raw });
      } else {
        frames.push({ control: false, streamId: raw.readUInt32BE(0) & 0x7fffffff, flags, payload });
      }
      this.#buf = this.#buf.subarray(8 + length);
    }
    return frames;
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt8(flags, 4);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt8(fin ? FLAG_FIN : 0, 4);
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function synReplyFrame(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(FrameType.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([id, headerBlock]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.RST_STREAM, 0, p);
}

export function goAwayFrame(lastStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.GOAWAY, 0, p);
}

export type Headers = Record<string, string>;

/** The uncompressed name/value block: u32 count, then u32-length-prefixed names and values. */
export function encodeHeaderPairs(headers: Headers): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length);
  parts.push(count);
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [name.toLowerCase(), value]) {
      const b = Buffer.from(text, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderPairs(block: Buffer): Headers {
  const headers: Headers = {};
  if (block.length < 4) throw new Error("SPDY header block too short");
  const count = block.readUInt32BE(0);
  let at = 4;
  const next = (): string => {
    if (at + 4 > block.length) throw new Error("SPDY header block truncated");
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new Error("SPDY header block truncated");
    const s = block.subarray(at, at + len).toString("utf8");
    at += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = next();
    headers[name.toLowerCase()] = next();
  }
  return headers;
}

const EMPTY_STORED_BLOCK = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** Compresses header blocks of one direction of a connection: one zlib stream of stored blocks. */
export class HeaderEncoder {
  #started = false;

  encode(headers: Headers): Buffer {
    const raw = encodeHeaderPairs(headers);
    const parts: Buffer[] = [];
    if (!this.#started) {
      parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32K window, no dictionary
      this.#started = true;
    }
    for (let at = 0; at < raw.length || at === 0; at += 0xffff) {
      const piece = raw.subarray(at, at + 0xffff);
      const head = Buffer.alloc(5);
      head.writeUInt8(0, 0); // not final, stored
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
      if (raw.length === 0) break;
    }
    parts.push(EMPTY_STORED_BLOCK);
    return Buffer.concat(parts);
  }
}
