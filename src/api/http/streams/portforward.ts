// The port-forward protocol inside a SPDY session (kubectl-wire §11.5; the same whether the
// session runs on a raw upgraded socket or inside a WebSocket tunnel): per local connection the
// client opens an `error` and a `data` stream with headers `port` and `requestid`; the data
// stream is piped to a TCP connection to that port in the pod; when the pod side is done both
// streams are finished; a failure is written on the error stream.
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { SpdySession, SpdyStream } from "./spdy-session.js";

export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
export const PORT_FORWARD_WEBSOCKET_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  /** The data side is over: the error stream is finished as soon as it exists. */
  done?: boolean;
  failure?: string;
}

function finishError(pair: Pair): void {
  const error = pair.error;
  if (error === undefined || error.writableEnded) return;
  if (pair.failure !== undefined) error.end(pair.failure);
  else error.end();
}

export function servePortForward(
  session: SpdySession,
  o: { podName: string; connect(port: number): Promise<Duplex>; logger: Logger },
): void {
  const pairs = new Map<string, Pair>();
  const done = (id: string, pair: Pair, failure?: string) => {
    if (pair.done) return;
    pair.done = true;
    if (failure !== undefined) pair.failure = failure;
    if (pair.data && !pair.data.writableEnded) pair.data.end();
    finishError(pair);
    pairs.delete(id);
  };
  session.on("stream", (stream) => {
    const id = stream.headers.requestid ?? "";
    const type = stream.headers.streamtype ?? "";
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    if (type === "error") {
      pair.error = stream;
      stream.resume(); // the client only reads it
      if (pair.done) finishError(pair);
      return;
    }
    if (type !== "data") {
      stream.destroy();
      return;
    }
    pair.data = stream;
    const portText = stream.headers.port ?? "";
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      done(id, pair, `invalid port header "${portText}"`);
      stream.resume();
      return;
    }
    void forward(stream, port).then(
      () => done(id, pair),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        o.logger.debug({ err, port }, "port-forward: connection failed");
        done(id, pair, `error forwarding port ${port} to pod ${o.podName}: ${message}`);
        stream.resume();
      },
    );
  });

  async function forward(stream: SpdyStream, port: number): Promise<void> {
    const conn = await o.connect(port);
    await new Promise<void>((resolve) => {
      let finished = false;
      const end = () => {
        if (finished) return;
        finished = true;
        resolve();
      };
      stream.pipe(conn); // the client's FIN half-closes the pod connection
      conn.on("data", (chunk: Buffer) => {
        if (!stream.writableEnded && !stream.destroyed) stream.write(chunk);
      });
      conn.once("end", end);
      conn.once("close", end);
      conn.on("error", end);
      stream.once("close", () => {
        conn.destroy();
        end();
      });
    });
  }
}
