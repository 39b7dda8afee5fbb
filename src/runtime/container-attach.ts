// One client attached to a container (docker attach, docker run, docker start -a): an
// AttachStream that may replay the log first (`logs=1`), and that can be handed out before the
// container runs, connecting to conmon when it starts (so `docker run` misses no output).
// Output is held until the client listens for "data"; stdin written before the connection is
// queued; only the streams the client asked for are passed on.
import { EventEmitter } from "node:events";
import type { PendingAttach } from "./container-context.js";
import type { AttachStream, StdStream } from "./attach.js";

type Connector = (bundleDir: string) => Promise<AttachStream>;

export class ContainerAttach extends EventEmitter implements AttachStream, PendingAttach {
  readonly #want: Record<StdStream, boolean>;
  readonly #stdin: boolean;
  readonly #connector: Connector;
  #inner: AttachStream | undefined;
  #held: Array<[StdStream, Buffer]> = [];
  #pendingStdin: Buffer[] = [];
  #stdinClosed = false;
  #closed = false;

  readonly #settled: Promise<unknown> | undefined;

  /**
   * `settled`: when the process's end is recorded (an exec's exit code); the stream closes
   * only after it, so a client that inspects on close sees the exit code.
   */
  constructor(o: {
    stdout: boolean;
    stderr: boolean;
    stdin: boolean;
    connector: Connector;
    settled?: Promise<unknown>;
  }) {
    super();
    this.#settled = o.settled;
    this.#want = { stdout: o.stdout, stderr: o.stderr };
    this.#stdin = o.stdin;
    this.#connector = o.connector;
    this.on("newListener", (event: string) => {
      if (event === "data" && this.#held.length > 0) process.nextTick(() => this.#flush());
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Passes on output (the log replay, or live data); held until someone listens. */
  push(stream: StdStream, data: Buffer): void {
    if (this.#closed || !this.#want[stream]) return;
    if (this.listenerCount("data") === 0 || this.#held.length > 0) this.#held.push([stream, data]);
    else this.emit("data", stream, data);
  }

  #flush(): void {
    while (this.#held.length > 0 && this.listenerCount("data") > 0) {
      const [stream, data] = this.#held.shift() as [StdStream, Buffer];
      this.emit("data", stream, data);
    }
    if (this.#closeRequested && this.#held.length === 0) this.#finish();
  }

  async connect(bundleDir: string): Promise<void> {
    if (this.#closed || this.#inner) return;
    const inner = await this.#connector(bundleDir);
    if (this.#closed) {
      inner.close();
      return;
    }
    this.#inner = inner;
    inner.on("data", (stream, data) => this.push(stream, data));
    let ended = false;
    const onClose = () => {
      if (ended) return;
      ended = true;
      if (this.#settled) void this.#settled.finally(() => this.end());
      else this.end();
    };
    inner.once("close", onClose);
    // A process that exits at once (an exec with no output) may have closed the stream
    // before this listener existed; its "close" was then emitted to nobody.
    if (inner.closed) queueMicrotask(onClose);
    if (this.#stdin) for (const b of this.#pendingStdin) inner.write(b);
    this.#pendingStdin = [];
    if (this.#stdinClosed) inner.closeStdin();
  }

  write(data: Buffer): void {
    if (this.#closed || !this.#stdin || this.#stdinClosed) return;
    if (this.#inner) this.#inner.write(data);
    else this.#pendingStdin.push(data);
  }

  closeStdin(): void {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    if (this.#stdin) this.#inner?.closeStdin();
  }

  #closeRequested = false;

  /** No more output will come: close once what is held has been delivered. */
  end(): void {
    this.#closeRequested = true;
    if (this.#held.length === 0) this.#finish();
  }

  /** The client goes away; the container keeps running. */
  close(): void {
    this.#held = [];
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner?.close();
    this.emit("close");
  }
}
