// Serving a container's (or an exec's) stdio over the client's connection, as moby does for
// attach and exec start. With `Upgrade: tcp` the connection becomes a raw duplex after
// `101 UPGRADED`: input bytes are the process's stdin (the client half-closes when its stdin
// ends), output is framed (no TTY) or raw (TTY), and the connection closes when the output
// ends. Without an upgrade the output is an ordinary streamed response and there is no stdin.
import type { Duplex } from "node:stream";
import type { AttachStream, StdStream } from "./ports.js";
import { startStream, writeHijackHead } from "./reply.js";
import type { Exchange } from "./route.js";
import { frame, StreamType } from "./stdcopy.js";

export const MediaType = {
  raw: "application/vnd.docker.raw-stream",
  multiplexed: "application/vnd.docker.multiplexed-stream",
} as const;

export interface HijackOptions {
  tty: boolean;
  /** Forward the client's input to the process's stdin. */
  stdin: boolean;
  /** Input bytes that arrived with the request (after its body). */
  early?: Buffer;
}

function encoder(tty: boolean): (stream: StdStream, data: Buffer) => Buffer {
  if (tty) return (_stream, data) => data;
  return (stream, data) => frame(stream === "stderr" ? StreamType.stderr : StreamType.stdout, data);
}

/** Pipes `stream` to the client until the process's output ends or the client goes away. */
export function serveStdio(exchange: Exchange, stream: AttachStream, o: HijackOptions): Promise<void> {
  const contentType = o.tty ? MediaType.raw : MediaType.multiplexed;
  if (exchange.upgrade !== undefined)
    return serveUpgraded(exchange, exchange.upgrade.socket, stream, o, contentType);
  const res = startStream(exchange, contentType);
  const encode = encoder(o.tty);
  return new Promise((resolve) => {
    stream.on("data", (s, data) => {
      if (!res.destroyed) res.write(encode(s, data));
    });
    stream.on("close", () => {
      res.end();
      resolve();
    });
    res.once("close", () => {
      stream.close();
      resolve();
    });
  });
}

function serveUpgraded(
  exchange: Exchange,
  socket: Duplex,
  stream: AttachStream,
  o: HijackOptions,
  contentType: string,
): Promise<void> {
  writeHijackHead(socket, { contentType });
  exchange.hijacked = true;
  const encode = encoder(o.tty);
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve();
    };
    stream.on("data", (s, data) => {
      if (!socket.destroyed && socket.writable) socket.write(encode(s, data));
    });
    stream.on("close", () => {
      // The output ended: the client reads to EOF, then asks for the exit code.
      socket.end();
      finish();
    });
    if (o.stdin) {
      if (o.early !== undefined && o.early.length > 0) stream.write(o.early);
      socket.on("data", (chunk: Buffer) => stream.write(chunk));
      socket.once("end", () => stream.closeStdin());
    } else {
      // Input is not wanted; keep reading so the client's writes never block.
      socket.on("data", () => undefined);
    }
    socket.once("close", () => {
      stream.close();
      finish();
    });
    socket.resume();
  });
}
