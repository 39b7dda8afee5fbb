// Runs one exec session between a client's channels and a node's ExecSession, whatever carries
// the channels (WebSocket v5 or SPDY v4): stdin and terminal sizes in, stdout/stderr out, and
// the exit Status once the command has ended and its output is all sent.
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "pino";
import type { ExecSession } from "../../streams.js";
import { exitStatus } from "./exec-request.js";

export interface ExecChannels {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Registers the listener of terminal sizes (sizes sent before the start are replayed). */
  onResize(listener: (width: number, height: number) => void): void;
  /** Writes the error channel's Status and ends the session. */
  finish(status: Buffer): void;
  /** Aborted when the client is gone. */
  closed: AbortSignal;
}

async function pump(from: Readable | undefined, to: Writable | undefined): Promise<void> {
  if (to === undefined) {
    from?.resume();
    return;
  }
  if (from === undefined) {
    to.end();
    return;
  }
  await pipeline(from, to).catch(() => {});
}

export async function runExec(
  start: () => Promise<ExecSession>,
  ch: ExecChannels,
  logger: Logger,
): Promise<void> {
  let session: ExecSession;
  try {
    session = await start();
  } catch (error) {
    logger.debug({ err: error }, "exec: could not start");
    ch.stdin?.resume();
    ch.finish(exitStatus({ error }));
    return;
  }
  const stdin = session.stdin;
  if (ch.stdin !== undefined && stdin !== undefined) {
    ch.stdin.pipe(stdin);
    stdin.on("error", () => {}); // the process may exit before reading all of its input
  } else {
    ch.stdin?.resume();
    stdin?.end();
  }
  ch.onResize((w, h) => session.resize(w, h));
  const gone = () => {
    stdin?.end();
    session.stdout?.destroy();
    session.stderr?.destroy();
  };
  ch.closed.addEventListener("abort", gone, { once: true });
  const outputs = Promise.all([pump(session.stdout, ch.stdout), pump(session.stderr, ch.stderr)]);
  let result: { code: number } | { error: unknown };
  try {
    result = { code: await session.exit };
  } catch (error) {
    result = { error };
  }
  await outputs;
  ch.closed.removeEventListener("abort", gone);
  if (!ch.closed.aborted) ch.finish(exitStatus(result));
}
