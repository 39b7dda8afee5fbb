// A server-side SPDY/3.1 session over any byte transport (a raw upgraded socket, or the binary
// messages of a WebSocket tunnel): streams the client opens are answered with SYN_REPLY and
// handed out as Duplexes (reads: the client's DATA, end at its FIN; writes: our DATA, end():
// our FIN); pings are echoed; RST_STREAM and GOAWAY end streams and the session.
import { EventEmitter } from "node:events";
import { Duplex } from "node:stream";
import type { Logger } from "pino";
import {
  FLAG_FIN,
  FrameReader,
  FrameType,
  HeaderEncoder,
  dataFrame,
  goAwayFrame,
  synReplyFrame,
  type Frame,
  type Headers,
} from "./spdy-frames.js";
import { HeaderDecoder } from "./spdy-headers.js";

/** What the session writes to and is told about by its transport. */
export interface SpdyTransport {
  write(bytes: Buffer): void;
  /** Ends the transport (after the bytes written so far). */
  end(): void;
}

const MAX_DATA = 64 * 1024;

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: Headers;
  readonly #session: SpdySession;

  constructor(session: SpdySession, id: number, headers: Headers) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = id;
    this.headers = headers;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    for (let at = 0; at < chunk.length; at += MAX_DATA) {
      this.#session.send(dataFrame(this.id, chunk.subarray(at, at + MAX_DATA)));
    }
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#session.send(dataFrame(this.id, Buffer.alloc(0), true));
    cb();
  }

  /** Data from the client (FIN: end of its half). */
  receive(data: Buffer, fin: boolean): void {
    if (data.length > 0) this.push(data);
    if (fin) this.push(null);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  readonly #transport: SpdyTransport;
  readonly #logger: Logger;
  readonly #reader = new FrameReader();
  readonly #decoder = new HeaderDecoder();
  readonly #encoder = new HeaderEncoder();
  readonly #streams = new Map<number, SpdyStream>();
  #queue: Promise<void> = Promise.resolve();
  #lastStreamId = 0;
  #closed = false;

  constructor(o: { transport: SpdyTransport; logger: Logger }) {
    super();
    this.#transport = o.transport;
    this.#logger = o.logger;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes from the client. */
  feed(chunk: Buffer): void {
    if (this.#closed) return;
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (err) {
      this.#logger.debug({ err }, "spdy: bad frame");
      this.close();
      return;
    }
    // Header blocks decode asynchronously: frames are handled strictly in order.
    for (const frame of frames) {
      this.#queue = this.#queue
        .then(() => this.#handle(frame))
        .catch((err: unknown) => {
          this.#logger.debug({ err }, "spdy: frame failed");
          this.close();
        });
    }
  }

  send(bytes: Buffer): void {
    if (!this.#closed) this.#transport.write(bytes);
  }

  async #handle(frame: Frame): Promise<void> {
    if (this.#closed) return;
    if (!frame.control) {
      this.#streams.get(frame.streamId)?.receive(frame.payload, (frame.flags & FLAG_FIN) !== 0);
      return;
    }
    const p = frame.payload;
    switch (frame.type) {
      case FrameType.SYN_STREAM: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.#decoder.decode(p.subarray(10));
        this.#lastStreamId = Math.max(this.#lastStreamId, id);
        const stream = new SpdyStream(this, id, headers);
        this.#streams.set(id, stream);
        stream.once("close", () => this.#streams.delete(id));
        this.send(synReplyFrame(id, this.#encoder.encode({})));
        if ((frame.flags & FLAG_FIN) !== 0) stream.receive(Buffer.alloc(0), true);
        this.emit("stream", stream);
        return;
      }
      case FrameType.HEADERS:
        await this.#decoder.decode(p.subarray(4)); // keeps the zlib stream in step
        return;
      case FrameType.RST_STREAM: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const stream = this.#streams.get(id);
        this.#streams.delete(id);
        stream?.destroy();
        return;
      }
      case FrameType.PING:
        this.send(frame.raw);
        return;
      case FrameType.GOAWAY:
        this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE: spdystream does no flow control
    }
  }

  /** Ends every stream and the transport (GOAWAY first, as a polite server does). */
  close(): void {
    if (this.#closed) return;
    this.send(goAwayFrame(this.#lastStreamId));
    this.#closed = true;
    for (const s of this.#streams.values()) s.destroy();
    this.#streams.clear();
    this.#decoder.close();
    this.#transport.end();
    this.emit("close");
  }

  /** The transport is gone. */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#streams.values()) s.destroy();
    this.#streams.clear();
    this.#decoder.close();
    this.emit("close");
  }
}
