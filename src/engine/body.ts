// Request bodies: small JSON documents read whole (with a limit), and for upgraded requests
// (exec start) the JSON body that precedes the stdin bytes on the raw connection.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { EngineError, badParameter } from "./errors.js";

const MAX_JSON_BODY = 4 * 1024 * 1024;

async function readAll(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new EngineError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON bytes; empty input is `undefined`. Bad JSON is a 400. */
export function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badParameter(`invalid JSON: ${(err as Error).message}`);
  }
}

/** The request's JSON body, or `undefined` when there is none. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  return parseJson(await readAll(request, MAX_JSON_BODY));
}

/** The request's JSON body, which must be an object (or absent, giving `{}`). */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  return asObject(await readJson(request));
}

export function asObject(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badParameter("invalid JSON: the request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * Reads the Content-Length body of an upgrade request from the bytes Node already read
 * (`head`) and the socket. Returns the body and any bytes after it (early stdin).
 */
export function readUpgradeBody(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<{ body: Buffer; rest: Buffer }> {
  const length = Number(request.headers["content-length"] ?? 0);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_JSON_BODY) {
    return Promise.reject(badParameter("invalid Content-Length"));
  }
  if (head.length >= length) {
    return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) });
  }
  return new Promise((resolve, reject) => {
    const chunks = [head];
    let have = head.length;
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onEnd);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have < length) return;
      cleanup();
      socket.pause();
      const all = Buffer.concat(chunks);
      resolve({ body: all.subarray(0, length), rest: all.subarray(length) });
    };
    const onEnd = () => {
      cleanup();
      reject(badParameter("the connection closed before the request body was read"));
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("error", onEnd);
    socket.resume();
  });
}
