// The upgraded requests of pods/exec and pods/portforward (kubectl-wire §11.1): a WebSocket
// (exec: v5.channel.k8s.io; port-forward: the SPDY/3.1+portforward.k8s.io tunnel) or raw
// SPDY/3.1 (exec: v4.channel.k8s.io; port-forward: portforward.k8s.io). Anything refused gets a
// plain HTTP answer with a Status, which makes kubectl fall back from WebSocket to SPDY.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import { ApiError, badRequest } from "../../errors.js";
import type { KubeObject } from "../../types.js";
import type { PodStreams } from "../../streams.js";
import type { ApiFace } from "../deps.js";
import type { RequestInfo } from "../request-info.js";
import { toApiError } from "../respond.js";
import { execRequest } from "./exec-request.js";
import { EXEC_SPDY_PROTOCOL, execOverSpdy } from "./exec-spdy.js";
import { EXEC_WEBSOCKET_PROTOCOL, execOverWebSocket, toBuffer } from "./exec-websocket.js";
import { PORT_FORWARD_PROTOCOL, PORT_FORWARD_WEBSOCKET_PROTOCOL, servePortForward } from "./portforward.js";
import { getPod, streamsOf } from "./pod-target.js";
import { SpdySession, type SpdyTransport } from "./spdy-session.js";

/** The pod subresources that are served only as upgrades. */
export const STREAM_SUBRESOURCES = new Set(["exec", "portforward"]);

export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  info: RequestInfo;
  url: URL;
  face: ApiFace;
  logger: Logger;
}

const WEBSOCKET_PROTOCOLS = [EXEC_WEBSOCKET_PROTOCOL, PORT_FORWARD_WEBSOCKET_PROTOCOL];

/** One handshake-only server for every upgrade (protocols are checked before it is asked). */
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  handleProtocols: (protocols) => WEBSOCKET_PROTOCOLS.find((p) => protocols.has(p)) ?? false,
});

/** A plain HTTP answer on the not-yet-upgraded socket. */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  const status = toApiError(err).toStatus();
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason ?? "Error"}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

function offered(req: IncomingMessage, header: string): string[] {
  const raw = req.headers[header];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

type Kind = "exec" | "portforward";

/** Starts the protocol on the upgraded connection; an error here is a refusal. */
function connect(
  u: UpgradeRequest,
  kind: Kind,
  serve: (t: { ws?: WebSocket; spdy?: SpdySession }) => void,
): void {
  const { req, socket, head } = u;
  const upgrade = (req.headers.upgrade ?? "").toLowerCase();
  if (upgrade === "websocket") {
    const want = kind === "exec" ? EXEC_WEBSOCKET_PROTOCOL : PORT_FORWARD_WEBSOCKET_PROTOCOL;
    if (!offered(req, "sec-websocket-protocol").includes(want)) {
      throw badRequest(`unable to upgrade: no supported WebSocket subprotocol; this server speaks ${want}`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (kind === "exec") return serve({ ws });
      const spdy = new SpdySession({
        logger: u.logger,
        transport: {
          write: (bytes) => {
            if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
          },
          end: () => ws.close(1000),
        },
      });
      ws.on("message", (data) => spdy.feed(toBuffer(data)));
      ws.on("close", () => spdy.transportClosed());
      ws.on("error", () => spdy.transportClosed());
      serve({ spdy });
    });
    return;
  }
  if (upgrade === "spdy/3.1") {
    const want = kind === "exec" ? EXEC_SPDY_PROTOCOL : PORT_FORWARD_PROTOCOL;
    const protocols = offered(req, "x-stream-protocol-version");
    if (!protocols.includes(want)) {
      throw new ApiError(
        "Forbidden",
        `unable to upgrade: unable to negotiate protocol: client supports [${protocols.join(" ")}], server accepts [${want}]`,
      );
    }
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n" +
        `X-Stream-Protocol-Version: ${want}\r\n\r\n`,
    );
    const transport: SpdyTransport = { write: (b) => socket.write(b), end: () => socket.end() };
    const spdy = new SpdySession({ logger: u.logger, transport });
    socket.on("data", (chunk: Buffer) => spdy.feed(chunk));
    socket.on("close", () => spdy.transportClosed());
    socket.on("error", () => spdy.transportClosed());
    if (head.length > 0) spdy.feed(head);
    serve({ spdy });
    return;
  }
  throw badRequest("Upgrade request required");
}

function startExec(u: UpgradeRequest, pod: KubeObject, streams: PodStreams): void {
  const req = execRequest(u.url.searchParams, pod);
  const start = () => streams.exec(pod, req);
  connect(u, "exec", ({ ws, spdy }) => {
    const run = ws
      ? execOverWebSocket(ws, req, start, u.logger)
      : execOverSpdy(spdy as SpdySession, req, start, u.logger);
    run.catch((err: unknown) => u.logger.warn({ err }, "exec failed"));
  });
}

function startPortForward(u: UpgradeRequest, pod: KubeObject, streams: PodStreams): void {
  connect(u, "portforward", ({ spdy }) => {
    servePortForward(spdy as SpdySession, {
      podName: pod.metadata.name ?? "",
      connect: (port) => streams.portForward(pod, port),
      logger: u.logger,
    });
  });
}

/** Serves an authorised upgrade request; refusals are answered as plain HTTP. */
export async function handleStreamUpgrade(u: UpgradeRequest): Promise<void> {
  const { info } = u;
  const isPods =
    info.resourceRequest && info.group === "" && info.version === "v1" && info.resource === "pods";
  if (!isPods || !STREAM_SUBRESOURCES.has(info.subresource) || info.namespace === "" || info.urlName === "") {
    throw new ApiError("NotFound", "the server could not find the requested resource", {});
  }
  const pod = await getPod(u.face, info.namespace, info.urlName);
  const streams = streamsOf(u.face, pod);
  if (info.subresource === "exec") startExec(u, pod, streams);
  else startPortForward(u, pod, streams);
}
