import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { AttachStream, StdStream } from "./attach.js";
import { ContainerAttach } from "./container-attach.js";

class FakeInner extends EventEmitter {
  written: string[] = [];
  stdinClosed = false;
  closed = false;
  write(b: Buffer): void {
    this.written.push(b.toString());
  }
  closeStdin(): void {
    this.stdinClosed = true;
  }
  close(): void {
    this.closed = true;
  }
  out(stream: StdStream, text: string): void {
    this.emit("data", stream, Buffer.from(text));
  }
}

function make(o: { stdout?: boolean; stderr?: boolean; stdin?: boolean; settled?: Promise<unknown> } = {}) {
  const inner = new FakeInner();
  const a = new ContainerAttach({
    stdout: o.stdout ?? true,
    stderr: o.stderr ?? true,
    stdin: o.stdin ?? true,
    connector: () => Promise.resolve(inner as unknown as AttachStream),
    ...(o.settled ? { settled: o.settled } : {}),
  });
  return { a, inner };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("ContainerAttach", () => {
  it("queues stdin until connected, then forwards it and the half-close", async () => {
    const { a, inner } = make();
    a.write(Buffer.from("early"));
    a.closeStdin();
    await a.connect("/bundle");
    expect(inner.written).toEqual(["early"]);
    expect(inner.stdinClosed).toBe(true);
  });

  it("holds output until someone listens, and passes on only the streams asked for", async () => {
    const { a, inner } = make({ stderr: false });
    a.push("stdout", Buffer.from("replayed\n"));
    await a.connect("/bundle");
    inner.out("stdout", "live\n");
    inner.out("stderr", "hidden\n");
    const got: string[] = [];
    a.on("data", (_s, d) => got.push(d.toString()));
    await tick();
    expect(got).toEqual(["replayed\n", "live\n"]);
  });

  it("closes when the inner stream had already closed before it was connected", async () => {
    const { a, inner } = make({ settled: Promise.resolve() });
    inner.closed = true;
    inner.emit("close"); // an exec with no output that exited before connect() listened
    let closed = false;
    a.on("close", () => (closed = true));
    await a.connect("/bundle");
    await tick();
    expect(closed).toBe(true);
  });

  it("closes after the held output is delivered, and after `settled`", async () => {
    let settle!: () => void;
    const settled = new Promise<void>((r) => (settle = r));
    const { a, inner } = make({ settled });
    await a.connect("/bundle");
    inner.out("stdout", "last\n");
    inner.emit("close");
    let closed = false;
    a.on("close", () => (closed = true));
    const got: string[] = [];
    a.on("data", (_s, d) => got.push(d.toString()));
    await tick();
    expect(got).toEqual(["last\n"]);
    expect(closed).toBe(false);
    settle();
    await tick();
    expect(closed).toBe(true);
  });

  it("ignores stdin when the container has none, and close() disconnects once", async () => {
    const { a, inner } = make({ stdin: false });
    await a.connect("/bundle");
    a.write(Buffer.from("x"));
    expect(inner.written).toEqual([]);
    let closes = 0;
    a.on("close", () => closes++);
    a.close();
    a.close();
    expect(closes).toBe(1);
    expect(inner.closed).toBe(true);
    expect(a.closed).toBe(true);
  });
});
