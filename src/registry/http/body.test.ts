import { once } from "node:events";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryError } from "../errors.js";
import { readBoundedBody } from "./body.js";

const LIMIT = 1024;
const MiB = 1024 * 1024;
let server: Server | undefined;

afterEach(() => server?.close());

/** A server that reads bodies bounded by LIMIT and answers 201 or 413. */
async function listen(): Promise<number> {
  server = createServer((req, res) => {
    readBoundedBody(req, LIMIT).then(
      (body) => res.writeHead(201).end(String(body.length)),
      (err: unknown) => res.writeHead(err instanceof RegistryError ? 413 : 500).end(),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/**
 * Sends `size` bytes in two parts 100 ms apart; the status, and whether it came before the second
 * part was sent (an early answer, after which the connection may be cut under the sender).
 */
async function send(
  port: number,
  size: number,
  headers: Record<string, string | number>,
): Promise<{ status: number; early: boolean }> {
  const req = request({ port, method: "PUT", path: "/", headers });
  let secondSent = false;
  // once() rejects on an "error" event: a connection cut while the body is still being sent.
  const answered = (once(req, "response") as Promise<[IncomingMessage]>).then(([res]) => ({
    res,
    early: !secondSent,
  }));
  const sent = once(req, "finish");
  req.write(Buffer.alloc(Math.floor(size / 2)));
  await new Promise((r) => setTimeout(r, 100));
  secondSent = true;
  req.end(Buffer.alloc(size - Math.floor(size / 2)));
  const [{ res, early }] = await Promise.all([answered, sent]);
  res.resume();
  await once(res, "end");
  return { status: res.statusCode ?? 0, early };
}

describe("readBoundedBody", () => {
  it("reads a body within the limit", async () => {
    const port = await listen();
    expect(await send(port, LIMIT, { "content-length": LIMIT })).toEqual({ status: 201, early: false });
  });

  it("answers 413 to a declared length over the limit after the client has sent it all", async () => {
    const port = await listen();
    expect(await send(port, 8 * MiB, { "content-length": 8 * MiB })).toEqual({ status: 413, early: false });
  });

  it("answers 413 to a chunked body that grows over the limit, on a connection still open", async () => {
    const port = await listen();
    expect(await send(port, 8 * MiB, { "transfer-encoding": "chunked" })).toEqual({
      status: 413,
      early: false,
    });
  });
});
