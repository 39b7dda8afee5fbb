// A small response helper over Node's ServerResponse: status and headers first, then one
// `send` of nothing, bytes or JSON, or a `stream` of a body written by the handler.
import type { ServerResponse } from "node:http";

export type Body = string | Buffer | object | undefined;

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

  /**
   * Sends status and headers, lets `write` stream the body into the response, then ends it.
   * A HEAD request gets the headers only. Errors after the headers went out abort the response.
   */
  async stream(write: (sink: ServerResponse) => Promise<unknown>): Promise<void> {
    const res = this.raw;
    res.statusCode = this.statusCode;
    if (!this.#head) await write(res);
    res.end();
  }

  send(body?: Body): Promise<void> {
    const res = this.raw;
    res.statusCode = this.statusCode;
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
