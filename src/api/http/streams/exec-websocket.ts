// Exec over WebSocket, subprotocol v5.channel.k8s.io (kubectl-wire §11.2): binary messages whose
// first byte is the channel — 0 stdin, 1 stdout, 2 stderr, 3 error (the Status), 4 resize,
// 255 close (`[255, 0]`: stdin is at EOF). The session ends with the Status and close 1000.
import { PassThrough, Writable } from "node:stream";
import type { Logger } from "pino";
import { WebSocket, type RawData } from "ws";
import type { ExecRequest, ExecSession } from "../../streams.js";
import { ResizeDecoder } from "./exec-request.js";
import { runExec } from "./exec-run.js";

export const EXEC_WEBSOCKET_PROTOCOL = "v5.channel.k8s.io";

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== WebSocket.OPEN) return cb();
      // The callback fires once the frame is handed to the socket: that is the back-pressure.
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => cb());
    },
  });
}

export function execOverWebSocket(
  ws: WebSocket,
  req: ExecRequest,
  start: () => Promise<ExecSession>,
  logger: Logger,
): Promise<void> {
  const stdin = new PassThrough();
  const closed = new AbortController();
  const resizes = new ResizeDecoder();
  let resize: ((w: number, h: number) => void) | undefined;
  const early: { width: number; height: number }[] = [];
  ws.on("message", (data) => {
    const buf = toBuffer(data);
    if (buf.length === 0) return;
    const payload = buf.subarray(1);
    switch (buf[0]) {
      case STDIN:
        if (req.stdin && !stdin.writableEnded) stdin.write(payload);
        return;
      case RESIZE:
        for (const s of resizes.push(payload)) {
          if (resize) resize(s.width, s.height);
          else early.push(s);
        }
        return;
      case CLOSE:
        if (payload[0] === STDIN) stdin.end();
        return;
      default:
        return;
    }
  });
  ws.on("close", () => {
    stdin.end();
    closed.abort();
  });
  ws.on("error", (err) => logger.debug({ err }, "exec websocket"));
  return runExec(
    start,
    {
      ...(req.stdin && { stdin }),
      ...(req.stdout && { stdout: channelWriter(ws, STDOUT) }),
      ...(req.stderr && { stderr: channelWriter(ws, STDERR) }),
      onResize(listener) {
        resize = listener;
        for (const s of early.splice(0)) listener(s.width, s.height);
      },
      finish(status) {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(Buffer.concat([Buffer.from([ERROR]), status]), { binary: true });
        ws.close(1000);
      },
      closed: closed.signal,
    },
    logger,
  );
}
