// Exec over SPDY/3.1, protocol v4.channel.k8s.io (kubectl-wire §11.4; kubectl's fallback when the
// WebSocket upgrade is refused): the client opens one stream per channel, named by its
// `streamtype` header; the command starts once every expected stream is there.
import type { Logger } from "pino";
import type { ExecRequest, ExecSession } from "../../streams.js";
import { ResizeDecoder } from "./exec-request.js";
import { runExec } from "./exec-run.js";
import type { SpdySession, SpdyStream } from "./spdy-session.js";

export const EXEC_SPDY_PROTOCOL = "v4.channel.k8s.io";

/** How long the client has to open its streams (the kubelet's default). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

function expectedStreams(req: ExecRequest): string[] {
  return [
    "error",
    ...(req.stdin ? ["stdin"] : []),
    ...(req.stdout ? ["stdout"] : []),
    ...(req.stderr ? ["stderr"] : []),
    ...(req.tty ? ["resize"] : []),
  ];
}

export function execOverSpdy(
  session: SpdySession,
  req: ExecRequest,
  start: () => Promise<ExecSession>,
  logger: Logger,
): Promise<void> {
  const wanted = expectedStreams(req);
  const streams = new Map<string, SpdyStream>();
  const closed = new AbortController();
  session.once("close", () => closed.abort());
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.debug({ have: [...streams.keys()], wanted }, "exec: streams not created in time");
      session.close();
      resolve();
    }, STREAM_CREATION_TIMEOUT_MS);
    session.on("stream", (stream) => {
      const type = stream.headers.streamtype ?? "";
      if (!wanted.includes(type) || streams.has(type)) {
        stream.destroy();
        return;
      }
      streams.set(type, stream);
      if (streams.size < wanted.length) return;
      clearTimeout(timer);
      const error = streams.get("error") as SpdyStream;
      error.resume(); // the client half-closes it; nothing to read
      const resizeStream = streams.get("resize");
      resolve(
        runExec(
          start,
          {
            ...(streams.has("stdin") && { stdin: streams.get("stdin") }),
            ...(streams.has("stdout") && { stdout: streams.get("stdout") }),
            ...(streams.has("stderr") && { stderr: streams.get("stderr") }),
            onResize(listener) {
              const decoder = new ResizeDecoder();
              resizeStream?.on("data", (chunk: Buffer) => {
                for (const s of decoder.push(chunk)) listener(s.width, s.height);
              });
            },
            finish(status) {
              error.end(status);
              for (const s of streams.values()) if (!s.writableEnded) s.end();
              // The client cancels its streams and sends GOAWAY; close after a grace period.
              setTimeout(() => session.close(), 5_000).unref();
            },
            closed: closed.signal,
          },
          logger,
        ),
      );
    });
  });
}
