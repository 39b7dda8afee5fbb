// conmon's attach socket: a SOCK_SEQPACKET unix socket at BUNDLE/attach (reached through
// EXEC_ROOT/conmon/<id>, a symlink to the bundle, when the bundle path is too long for a socket
// address). Each packet from conmon is one byte naming the stream (2 stdout, 3 stderr; a TTY
// is all stdout) followed by the data; each packet we send is stdin bytes. Shutting down our
// write side makes conmon close the container's stdin (unless it runs with
// --leave-stdin-open). Several clients may attach at once; each gets all output from then on.
// Output that arrives before the first "data" listener is held (up to 1 MiB) and delivered
// to it, so a caller may attach before start and subscribe later without losing bytes.
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SeqpacketSocket } from "node-unix-socket";

export type StdStream = "stdout" | "stderr";

/** A live connection to a container's stdio. Emits "data" (stream, bytes) and "close" once. */
export interface AttachStream {
  on(event: "data", listener: (stream: StdStream, data: Buffer) => void): this;
  on(event: "close", listener: () => void): this;
  once(event: "close", listener: () => void): this;
  off(event: "data", listener: (stream: StdStream, data: Buffer) => void): this;
  off(event: "close", listener: () => void): this;
  /** Sends bytes to the container's stdin (ignored when it has none). */
  write(data: Buffer): void;
  /** Half-closes: the container sees EOF on stdin; output keeps flowing. */
  closeStdin(): void;
  /** Disconnects this client; the container keeps running. Safe to call twice. */
  close(): void;
  readonly closed: boolean;
}

const STREAM_IDS: Readonly<Record<number, StdStream>> = { 2: "stdout", 3: "stderr" };
/** conmon reads stdin packets into a fixed buffer; keep each well below it. */
export const MAX_STDIN_PACKET = 8 * 1024;
const MAX_SUN_PATH = 107;

/** Output held while nobody listens for "data" yet (an exec's first bytes arrive early). */
const MAX_HELD_BYTES = 1024 * 1024;

class ConmonAttachStream extends EventEmitter implements AttachStream {
  #socket: SeqpacketSocket;
  #closed = false;
  #closeEmitted = false;
  #stdinClosed = false;
  #held: Array<[StdStream, Buffer]> | undefined = [];
  #heldBytes = 0;

  constructor(socket: SeqpacketSocket) {
    super();
    this.#socket = socket;
    socket.on("data", (packet: Buffer) => {
      if (packet.length < 1) return;
      const stream = STREAM_IDS[packet[0] ?? 0];
      if (stream === undefined || packet.length <= 1) return;
      const data = packet.subarray(1);
      if (this.#held === undefined) this.emit("data", stream, data);
      else if (this.#heldBytes + data.length <= MAX_HELD_BYTES) {
        this.#held.push([stream, data]);
        this.#heldBytes += data.length;
      }
    });
    // The first "data" listener gets what arrived before it, in order, then the close.
    this.on("newListener", (event: string) => {
      if (event !== "data" || this.#held === undefined) return;
      queueMicrotask(() => this.#flush());
    });
    // conmon shuts the connection down when the container exits: no more output will come.
    socket.on("end", () => this.close());
    socket.on("error", () => this.close());
    socket.on("close", () => this.#markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: Buffer): void {
    if (this.#closed || this.#stdinClosed) return;
    for (let off = 0; off < data.length; off += MAX_STDIN_PACKET) {
      this.#socket.write(data.subarray(off, Math.min(off + MAX_STDIN_PACKET, data.length)));
    }
  }

  closeStdin(): void {
    if (this.#closed || this.#stdinClosed) return;
    this.#stdinClosed = true;
    this.#socket.end();
  }

  close(): void {
    if (this.#closed) return;
    this.#socket.destroy();
    this.#markClosed();
  }

  /** Drops held output and disconnects (the caller no longer wants anything). */
  destroy(): void {
    this.#held = undefined;
    this.close();
    this.#emitClose();
  }

  #flush(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.#heldBytes = 0;
    for (const [stream, data] of held) this.emit("data", stream, data);
    if (this.#closed) this.#emitClose();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Held output is delivered before "close" once someone listens for it.
    if (this.#held === undefined || this.#held.length === 0) this.#emitClose();
  }

  #emitClose(): void {
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.emit("close");
  }
}

/**
 * Connects to the attach socket of the container or exec whose conmon bundle is `bundleDir`.
 * `linkDir` is where a short symlink to the bundle is made when its path is too long.
 */
export async function openAttach(bundleDir: string, linkDir: string): Promise<AttachStream> {
  const direct = join(bundleDir, "attach");
  if (Buffer.byteLength(direct) <= MAX_SUN_PATH) return connect(direct);
  const link = join(linkDir, `.attach-${randomBytes(6).toString("hex")}`);
  await symlink(bundleDir, link);
  try {
    return await connect(join(link, "attach"));
  } finally {
    await unlink(link).catch(() => undefined);
  }
}

function connect(path: string): Promise<AttachStream> {
  return new Promise((resolve, reject) => {
    const socket = new SeqpacketSocket();
    const onError = (err: Error): void => reject(new Error(`attach ${path}: ${err.message}`));
    socket.once("error", onError);
    try {
      socket.connect(path, () => {
        socket.off("error", onError);
        resolve(new ConmonAttachStream(socket));
      });
    } catch (err) {
      socket.destroy();
      reject(new Error(`attach ${path}: ${(err as Error).message}`));
    }
  });
}
