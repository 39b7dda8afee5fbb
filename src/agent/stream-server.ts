// A joined node's stream endpoint (the kubelet's :10250 for logs, exec and port-forward): HTTPS
// with a certificate of its own CA, which the node publishes on its Node object so the API
// server can verify it, and client certificates checked against the cluster CA, admitting only
// the API server's. It serves the node's PodStreams over api/node-streams/protocol.ts.
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { createCa, createServingCert } from "../api/auth/certs.js";
import { badRequest } from "../api/errors.js";
import {
  Channel,
  frame,
  STREAM_CLIENT_USER,
  toWireError,
  type ExecControl,
  type ExecOpen,
  type LogsRequest,
  type OpenAnswer,
  type PortForwardOpen,
} from "../api/node-streams/protocol.js";
import type { PodStreams } from "../api/streams.js";

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface StreamServer {
  /** The PEM of the CA that signed the endpoint's certificate (published on the Node). */
  readonly caPem: string;
  readonly port: number;
  /** Starts serving `streams` (made once the agent runs, after the Node names this endpoint). */
  listen(streams: PodStreams): Promise<void>;
  close(): Promise<void>;
}

/** Makes the endpoint's certificate; nothing listens until `listen`. */
export async function createStreamServer(o: {
  host: string;
  port: number;
  clusterCaPem: string;
  logger: Logger;
}): Promise<StreamServer> {
  const ca = await createCa({ commonName: `skiff-node-streams@${o.host}` });
  const serving = await createServingCert(ca, { commonName: o.host, hosts: [o.host] });
  const server = createServer({
    key: serving.keyPem,
    cert: serving.certPem,
    ca: o.clusterCaPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const admitted = (req: IncomingMessage): boolean =>
    (req.socket as TLSSocket).getPeerCertificate().subject?.CN === STREAM_CLIENT_USER;

  let streams: PodStreams | undefined;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!admitted(req)) return answer(res, 403, { reason: "Forbidden", message: "not the API server" });
    if (req.method !== "POST" || req.url !== "/logs")
      return answer(res, 404, { reason: "NotFound", message: "" });
    if (streams !== undefined) void serveLogs(streams, req, res, o.logger);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on("upgrade", (req: IncomingMessage, socket, head) => {
    const s = streams;
    if (s === undefined || !admitted(req) || (req.url !== "/exec" && req.url !== "/portforward")) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once("message", (data) => {
        const serve = req.url === "/exec" ? serveExec : servePortForward;
        serve(s, ws, String(data)).catch((err: unknown) => {
          o.logger.warn({ err, path: req.url }, "node stream failed");
          ws.close(1011);
        });
      });
    });
  });
  return {
    caPem: ca.certPem,
    port: o.port,
    async listen(s) {
      streams = s;
      server.listen(o.port, o.host);
      await once(server, "listening");
      o.logger.info({ host: o.host, port: o.port }, "node stream endpoint listening");
    },
    close: () => (server.listening ? closeServer(server, wss) : Promise.resolve()),
  };
}

function answer(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw badRequest("request too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function serveLogs(
  streams: PodStreams,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  try {
    const { pod, options } = parseRequest<LogsRequest>(await readBody(req));
    const { sinceTime, ...rest } = options;
    const body = await streams.logs(
      pod,
      { ...rest, ...(sinceTime !== undefined && { sinceTime: new Date(sinceTime) }) },
      abort.signal,
    );
    res.writeHead(200, { "content-type": "application/octet-stream" });
    body.on("error", (err) => {
      log.debug({ err }, "log stream ended with an error");
      res.destroy();
    });
    body.pipe(res);
  } catch (err) {
    const e = toWireError(err);
    answer(res, e.reason === "InternalError" ? 500 : 400, e);
  }
}

/** The request's JSON; anything else is the caller's error (400), not the node's. */
function parseRequest<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw badRequest("the request is not JSON");
  }
}

function send(ws: WebSocket, a: OpenAnswer | ExecControl): void {
  ws.send(JSON.stringify(a));
}

async function serveExec(streams: PodStreams, ws: WebSocket, first: string): Promise<void> {
  const open = parseRequest<ExecOpen>(first);
  let session;
  try {
    session = await streams.exec(open.pod, open.request);
  } catch (err) {
    send(ws, { error: toWireError(err) });
    ws.close();
    return;
  }
  send(ws, { ok: true });
  const { stdin } = session;
  ws.on("message", (data: Buffer, isBinary) => {
    if (isBinary) {
      if (data[0] === Channel.stdin) stdin?.write(data.subarray(1));
      return;
    }
    const control = JSON.parse(String(data)) as ExecControl;
    if ("resize" in control) session.resize(control.resize[0], control.resize[1]);
    else if ("end" in control && control.end === Channel.stdin) stdin?.end();
  });
  ws.on("close", () => stdin?.destroy());
  const pump = async (channel: number, stream: NodeJS.ReadableStream | undefined): Promise<void> => {
    if (stream === undefined) return;
    for await (const chunk of stream as AsyncIterable<Buffer>) ws.send(frame(channel, chunk));
    send(ws, { end: channel as 1 | 2 });
  };
  await Promise.all([pump(Channel.stdout, session.stdout), pump(Channel.stderr, session.stderr)]);
  send(ws, { exit: await session.exit });
  ws.close();
}

async function servePortForward(streams: PodStreams, ws: WebSocket, first: string): Promise<void> {
  const open = parseRequest<PortForwardOpen>(first);
  let conn;
  try {
    conn = await streams.portForward(open.pod, open.port);
  } catch (err) {
    send(ws, { error: toWireError(err) });
    ws.close();
    return;
  }
  send(ws, { ok: true });
  ws.on("message", (data: Buffer) => conn.write(data));
  ws.on("close", () => conn.end());
  conn.on("data", (chunk: Buffer) => ws.send(chunk));
  conn.on("error", () => ws.close());
  conn.on("close", () => ws.close());
}

async function closeServer(server: Server, wss: WebSocketServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
