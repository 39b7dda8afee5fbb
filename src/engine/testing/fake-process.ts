// A pretend container process for the engine's tests: a tiny command language instead of a
// real runtime, so the wire protocol (attach, wait, logs, exec) can be driven by the real
// docker CLI without root. `echo ARGS`, `cat` (stdin to stdout), `fail CODE MESSAGE` (to
// stderr), `both` (one line to each stream), `sleep` (until killed).
import { EventEmitter } from "node:events";
import type { AttachStream, StdStream } from "../ports.js";

/** One attached client of a fake process. */
export class FakeAttach extends EventEmitter implements AttachStream {
  closed = false;
  readonly #process: FakeProcess;
  readonly stdin: boolean;

  constructor(process: FakeProcess, stdin: boolean) {
    super();
    this.#process = process;
    this.stdin = stdin;
  }

  write(data: Buffer): void {
    if (this.stdin) this.#process.input(data);
  }

  closeStdin(): void {
    if (this.stdin) this.#process.endInput();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#process.detach(this);
    this.emit("close");
  }
}

export interface OutputChunk {
  stream: StdStream;
  data: Buffer;
  timestamp: string;
}

/** Runs `argv` when started; exits with a code; output goes to attached clients and the log. */
export class FakeProcess extends EventEmitter {
  readonly argv: string[];
  readonly tty: boolean;
  readonly log: OutputChunk[] = [];
  readonly #clients = new Set<FakeAttach>();
  #stdinEnded = false;
  readonly #pendingInput: Buffer[] = [];
  exitCode: number | undefined;
  running = false;

  constructor(argv: string[], tty: boolean) {
    super();
    this.argv = argv;
    this.tty = tty;
  }

  attach(o: { stdin: boolean }): FakeAttach {
    const client = new FakeAttach(this, o.stdin);
    this.#clients.add(client);
    return client;
  }

  detach(client: FakeAttach): void {
    this.#clients.delete(client);
  }

  start(): void {
    this.running = true;
    this.exitCode = undefined;
    setImmediate(() => this.#run());
  }

  kill(signal: string): void {
    if (!this.running) return;
    this.exit(signal === "SIGTERM" ? 143 : 137);
  }

  input(data: Buffer): void {
    // A real pipe holds input written before the process reads it.
    if (this.argv[0] === "cat" && this.running) this.out("stdout", data);
    else this.#pendingInput.push(data);
  }

  endInput(): void {
    this.#stdinEnded = true;
    if (this.argv[0] === "cat" && this.running) this.exit(0);
  }

  out(stream: StdStream, data: Buffer): void {
    const chunk = {
      stream: this.tty ? "stdout" : stream,
      data,
      timestamp: new Date().toISOString(),
    } as const;
    this.log.push(chunk);
    for (const client of this.#clients) client.emit("data", chunk.stream, data);
  }

  exit(code: number): void {
    if (!this.running) return;
    this.running = false;
    this.exitCode = code;
    for (const client of [...this.#clients]) client.close();
    this.emit("exit", code);
  }

  #run(): void {
    const [cmd, ...args] = this.argv;
    switch (cmd) {
      case "echo":
        this.out("stdout", Buffer.from(args.join(" ") + "\n"));
        return this.exit(0);
      case "both":
        this.out("stdout", Buffer.from("to-stdout\n"));
        this.out("stderr", Buffer.from("to-stderr\n"));
        return this.exit(0);
      case "fail":
        this.out("stderr", Buffer.from(args.slice(1).join(" ") + "\n"));
        return this.exit(Number(args[0] ?? 1));
      case "cat":
        for (const data of this.#pendingInput.splice(0)) this.out("stdout", data);
        if (this.#stdinEnded) this.exit(0);
        return;
      case "sleep":
        return;
      default:
        this.out("stderr", Buffer.from(`fake: unknown command ${String(cmd)}\n`));
        return this.exit(127);
    }
  }
}
