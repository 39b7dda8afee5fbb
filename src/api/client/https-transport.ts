// One keep-alive HTTPS connection pool to an API server: requests carry the bearer token and
// are checked against the cluster's CA. Answers are returned as streams (watches) or read
// whole as JSON, a failed one becoming an ApiError (http-errors.ts).
import type { IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import { apiErrorFromResponse } from "./http-errors.js";

export interface HttpsTransportOptions {
  /** https://HOST:PORT of the API server. */
  server: string;
  /** The CA that signed the server's certificate (PEM); else the system's CAs. */
  caPem?: string;
  /** Bearer token; none: anonymous requests. */
  token?: string;
  /**
   * Accept any server certificate. Only for fetching data that is verified another way
   * (the cluster-info CA, pinned by its hash).
   */
  insecureSkipTlsVerify?: boolean;
  userAgent?: string;
  /** Longest wait for the answer of a request that is not a watch (default 60 s). */
  timeoutMs?: number;
}

export interface HttpsRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/pods?limit=10`. */
  path: string;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** No time limit: the answer is a stream that lasts (watch). */
  streaming?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The whole body of an answer as text. */
export function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.once("error", reject);
    res.once("aborted", () => reject(new Error("the connection closed before the answer was complete")));
  });
}

export class HttpsTransport {
  readonly #base: URL;
  readonly #agent: Agent;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(o: HttpsTransportOptions) {
    this.#base = new URL(o.server);
    if (this.#base.protocol !== "https:") {
      throw new Error(`the API server is served over https://, got ${JSON.stringify(o.server)}`);
    }
    this.#agent = new Agent({
      keepAlive: true,
      ...(o.caPem !== undefined && { ca: o.caPem }),
      rejectUnauthorized: o.insecureSkipTlsVerify !== true,
    });
    this.#headers = {
      accept: "application/json",
      "user-agent": o.userAgent ?? "skiff",
      ...(o.token !== undefined && { authorization: `Bearer ${o.token}` }),
    };
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get server(): string {
    return this.#base.origin;
  }

  /** The answer once its headers are in; its body is the caller's to read. */
  send(r: HttpsRequest): Promise<IncomingMessage> {
    const url = new URL(r.path, this.#base);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: r.method,
        agent: this.#agent,
        headers: {
          ...this.#headers,
          ...(r.contentType !== undefined && { "content-type": r.contentType }),
          ...(r.body !== undefined && { "content-length": String(Buffer.byteLength(r.body)) }),
        },
        ...(r.signal !== undefined && { signal: r.signal }),
      });
      if (r.streaming !== true) {
        req.setTimeout(this.#timeoutMs, () =>
          req.destroy(new Error(`${r.method} ${url.pathname}: no answer within ${this.#timeoutMs} ms`)),
        );
      }
      req.once("response", (res) => {
        // A watch may last for minutes: the socket's idle timer must not cut it.
        if (r.streaming === true) req.setTimeout(0);
        resolve(res);
      });
      req.once("error", (err) => reject(describe(err, this.#base.origin)));
      req.end(r.body);
    });
  }

  /** The JSON body of a successful answer; a failed one throws its ApiError. */
  async json(r: HttpsRequest): Promise<unknown> {
    const res = await this.send(r);
    const text = await readText(res);
    const code = res.statusCode ?? 0;
    if (code >= 400 || code < 200) throw apiErrorFromResponse(code, text);
    return text === "" ? {} : (JSON.parse(text) as unknown);
  }

  /** Closes every connection of the pool, open watches included. */
  close(): void {
    this.#agent.destroy();
  }
}

/** Connection failures name the server, as kubectl's `Unable to connect to the server`. */
function describe(err: Error, server: string): Error {
  if (err.name === "AbortError") return err;
  const code = (err as NodeJS.ErrnoException).code;
  const wrapped = new Error(`cannot reach the API server at ${server}: ${err.message}`, { cause: err });
  if (code !== undefined) (wrapped as NodeJS.ErrnoException).code = code;
  return wrapped;
}
