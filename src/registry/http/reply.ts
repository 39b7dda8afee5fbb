// A small response helper over Node's ServerResponse: status and headers first, then one
// `send` of nothing, bytes, JSON or a stream. Streams are piped with backpressure and the
// source is destroyed if the client goes away.
import type { ServerResponse } from "node:http";
import { Readable, pipeline } from "node:stream";
import { noteStreamedBytes } from "../../content/memory-pressure.js";

export type Body = string | Buffer | Readable | object | undefined;

export class Reply {
  readonly raw: ServerResponse;
  readonly #head: boolean;
  statusCode = 200;

  constructor(raw: ServerResponse, method: string | undefined) {
    this.raw = raw;
    this.#head = method === "HEAD";
  }

  code(status: number): this {
    this.statusCode = status;
    return this;
  }

  header(name: string, value: string | number): this {
    this.raw.setHeader(name, value);
    return this;
  }

  get sent(): boolean {
    return this.raw.headersSent;
  }

  send(body?: Body): Promise<void> {
    const res = this.raw;
    res.statusCode = this.statusCode;
    if (body instanceof Readable) {
      if (this.#head) {
        body.destroy();
        res.end();
        return Promise.resolve();
      }
      const done = new Promise<void>((resolve) => pipeline(body, res, () => resolve()));
      // Observing chunks after the pipe is set up does not change its flow.
      body.on("data", (chunk: Buffer) => noteStreamedBytes(chunk.length));
      return done;
    }
    let bytes: string | Buffer | undefined;
    if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) {
      bytes = body;
    } else {
      bytes = JSON.stringify(body);
      if (!res.hasHeader("content-type")) res.setHeader("Content-Type", "application/json; charset=utf-8");
    }
    if (bytes !== undefined && !res.hasHeader("content-length"))
      res.setHeader("Content-Length", Buffer.byteLength(bytes));
    if (bytes === undefined && !res.hasHeader("content-length") && !this.#head)
      res.setHeader("Content-Length", 0);
    res.end(this.#head ? undefined : bytes);
    return Promise.resolve();
  }
}
