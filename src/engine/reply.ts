// Answers: whole JSON documents, empty statuses, and streams whose headers go out at once
// (the docker CLI waits for the headers of /wait and of progress streams before it goes on).
import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { EngineError } from "./errors.js";
import type { Exchange } from "./route.js";

function responseOf(exchange: Exchange): ServerResponse {
  if (exchange.response === undefined) {
    // Only hijack routes see upgrade requests (app.ts), and they answer them themselves.
    throw new EngineError(400, "this endpoint does not support connection upgrades");
  }
  return exchange.response;
}

export function sendJson(exchange: Exchange, status: number, body: unknown): void {
  const res = responseOf(exchange);
  const bytes = Buffer.from(JSON.stringify(body) + "\n");
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": bytes.length });
  res.end(bytes);
}

/** A status with no body (204, 304, or a 200 Docker leaves empty). */
export function sendEmpty(exchange: Exchange, status: number): void {
  const res = responseOf(exchange);
  res.writeHead(status, status === 204 || status === 304 ? {} : { "Content-Length": 0 });
  res.end();
}

export function sendText(
  exchange: Exchange,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  const res = responseOf(exchange);
  const bytes = Buffer.from(text);
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": bytes.length });
  res.end(bytes);
}

/** Sends status and headers now and returns the response for the handler to stream into. */
export function startStream(exchange: Exchange, contentType: string, status = 200): ServerResponse {
  const res = responseOf(exchange);
  res.writeHead(status, { "Content-Type": contentType });
  res.flushHeaders();
  return res;
}

/** Writes a whole HTTP/1.1 response onto a raw (upgrade) connection and ends it. */
export function writeRawResponse(socket: Duplex, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body) + "\n");
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), bytes]));
}

/** Writes moby's `101 UPGRADED` head of a hijacked stream onto the raw connection. */
export function writeHijackHead(socket: Duplex, o: { contentType: string }): void {
  socket.write(
    `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${o.contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
  );
}
