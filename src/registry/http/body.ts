// Reading a small request body (a manifest) whole, with a hard size bound.
import type { IncomingMessage } from "node:http";
import { RegistryError } from "../errors.js";

/**
 * A body over the limit is still read to its end, up to this many bytes in all, before the 413
 * goes out: a client that is still sending would otherwise meet a closed connection (EPIPE)
 * instead of the answer. Beyond it the rest is discarded as it arrives and the connection may
 * be cut, as Go's net/http does past its own small allowance.
 */
const DRAIN_MAX = 16 * 1024 * 1024;

export async function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    await drain(request, DRAIN_MAX);
    throw new RegistryError("PAYLOAD_TOO_LARGE", `body of ${declared} bytes exceeds the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early must not destroy the request (and its socket) before the answer.
  for await (const chunk of request.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(chunk);
  }
  if (size > limit) {
    // Out of the loop first: the iterator holds the stream paused until it is left.
    await drain(request, DRAIN_MAX - size);
    throw new RegistryError("PAYLOAD_TOO_LARGE", `body exceeds the limit of ${limit} bytes`);
  }
  return Buffer.concat(chunks, size);
}

/** Reads and discards the rest of the body; resolves at its end or after `max` more bytes. */
function drain(request: IncomingMessage, max: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = (): void => {
      request.off("data", onData);
      request.resume(); // past `max`: keep discarding without waiting
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > max) done();
    };
    if (request.readableEnded) return resolve();
    request.on("data", onData);
    request.resume();
    request.once("end", done);
    request.once("close", done);
    request.once("error", done);
  });
}
