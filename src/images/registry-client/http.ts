// One HTTP exchange with a registry over node:http(s), with streaming request and response
// bodies. Redirects are followed by the caller (blob downloads), never here.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

export interface HttpRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  /** Small bodies as bytes; large ones as a stream (give Content-Length in headers). */
  body?: Buffer | Readable;
  signal?: AbortSignal;
  /** Gives up when no response headers arrive within this time. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  header(name: string): string | undefined;
  text(limit?: number): Promise<string>;
  /** Reads and discards the body so the connection can be reused. */
  drain(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const TEXT_LIMIT = 4 * 1024 * 1024;

export function send(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = (req.url.protocol === "https:" ? httpsRequest : httpRequest)(req.url, {
      method: req.method,
      headers: { "User-Agent": "skiff", ...req.headers },
      signal: req.signal,
    });
    request.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
      request.destroy(
        new Error(
          `${req.method} ${req.url.href}: no response within ${(req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s`,
        ),
      ),
    );
    request.once("error", reject);
    request.once("response", (res) => {
      request.setTimeout(0);
      resolve(wrap(res));
    });
    const body = req.body;
    if (body === undefined) request.end();
    else if (Buffer.isBuffer(body)) request.end(body);
    else {
      body.once("error", (err) => request.destroy(err));
      body.pipe(request);
    }
  });
}

function wrap(res: IncomingMessage): HttpResponse {
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body: res,
    header(name) {
      const v = res.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    async text(limit = TEXT_LIMIT) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          res.destroy();
          throw new Error(`response body larger than ${limit} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString("utf8");
    },
    async drain() {
      res.resume();
      await new Promise<void>((resolve) => {
        if (res.complete || res.destroyed) return resolve();
        res.once("end", resolve);
        res.once("close", resolve);
        res.once("error", () => resolve());
      });
    },
  };
}

/** Whether an error is worth retrying: the connection failed, not the request. */
export function isNetworkError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    (code !== undefined &&
      [
        "ECONNRESET",
        "ECONNREFUSED",
        "EPIPE",
        "ETIMEDOUT",
        "EAI_AGAIN",
        "ENETUNREACH",
        "EHOSTUNREACH",
        "UND_ERR_SOCKET",
        "ERR_STREAM_PREMATURE_CLOSE",
      ].includes(code)) ||
    /no response within|socket hang up|aborted/.test((err as Error | undefined)?.message ?? "")
  );
}
