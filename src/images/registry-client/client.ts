// A client for one registry: authenticated requests under the `/v2/` API, with the token of
// each scope set cached, and retries with back-off for idempotent requests that hit network
// errors or 5xx answers.
import { setTimeout as sleep } from "node:timers/promises";
import type { Readable } from "node:stream";
import { registryEndpoint } from "../../oci/reference.js";
import { RegistryError, UnauthorizedError } from "../errors.js";
import {
  basicHeader,
  fetchToken,
  parseChallenges,
  TokenRequestError,
  type RegistryCredentials,
} from "./auth.js";
import { isNetworkError, send, type HttpResponse } from "./http.js";

export interface ClientRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A path below the endpoint (`/v2/…`) or an absolute URL (an upload Location). */
  path: string;
  headers?: Record<string, string>;
  /** A stream factory, so that a retry (or a retry after authenticating) sends the body again. */
  body?: Buffer | (() => Readable);
  /** `repository:NAME:pull,push` scopes the request needs. */
  scopes: readonly string[];
  /** Retries on network errors and 5xx; default: for GET and HEAD. */
  retry?: boolean;
}

const RETRIES = 4;
const BACKOFF_MS = [200, 800, 2000, 5000];

export class RegistryClient {
  readonly endpoint: string;
  readonly #credentials: RegistryCredentials | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #tokens = new Map<string, string>();
  #basic = false;

  constructor(
    readonly domain: string,
    o: { credentials?: RegistryCredentials; signal?: AbortSignal; plainHttp?: boolean } = {},
  ) {
    this.endpoint = registryEndpoint(domain, { plainHttp: o.plainHttp === true });
    this.#credentials = hasCredentials(o.credentials) ? o.credentials : undefined;
    this.#signal = o.signal;
  }

  get signal(): AbortSignal | undefined {
    return this.#signal;
  }

  /** Sends `req`, authenticating once on a 401 challenge. Answers of any status are returned. */
  async request(req: ClientRequest): Promise<HttpResponse> {
    const retry = req.retry ?? (req.method === "GET" || req.method === "HEAD");
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.#authenticated(req);
        if (retry && res.status >= 500 && attempt < RETRIES) {
          await res.drain();
          await sleep(BACKOFF_MS[attempt], undefined, { signal: this.#signal });
          continue;
        }
        return res;
      } catch (err) {
        // Nothing listening is not worth waiting for: Docker fails such a pull at once.
        const refused = (err as NodeJS.ErrnoException).code === "ECONNREFUSED";
        if (!retry || refused || attempt >= RETRIES || !isNetworkError(err) || this.#signal?.aborted) {
          throw dialError(req, this.endpoint, err);
        }
        await sleep(BACKOFF_MS[attempt], undefined, { signal: this.#signal });
      }
    }
  }

  /**
   * Authenticates for `scopes` from a fresh challenge (GET /v2/), for `docker login`.
   * Returns the refresh token when the token server gives one.
   */
  async login(): Promise<{ refreshToken?: string }> {
    const res = await this.#send({ method: "GET", path: "/v2/", scopes: [] }, undefined);
    if (res.status === 200) {
      await res.drain();
      return {};
    }
    if (res.status !== 401) {
      await res.drain();
      throw new RegistryError(`login attempt to ${this.endpoint}/v2/ failed with status: ${res.status}`);
    }
    const challenge = parseChallenges(res.header("www-authenticate"))[0];
    await res.drain();
    if (challenge?.scheme === "basic") {
      const again = await this.#send(
        { method: "GET", path: "/v2/", scopes: [] },
        basicHeader(this.#credentials ?? {}),
      );
      await again.drain();
      if (again.status === 200) return {};
      throw new UnauthorizedError(
        `login attempt to ${this.endpoint}/v2/ failed with status: 401 Unauthorized`,
      );
    }
    if (challenge?.scheme !== "bearer")
      throw new UnauthorizedError("unauthorized: the registry sent no usable challenge");
    try {
      const token = await fetchToken(challenge, [], this.#credentials, {
        offline: true,
        signal: this.#signal,
      });
      return token.refreshToken === undefined ? {} : { refreshToken: token.refreshToken };
    } catch (err) {
      if (err instanceof TokenRequestError && (err.status === 401 || err.status === 403))
        throw new UnauthorizedError(err.message);
      throw err;
    }
  }

  async #authenticated(req: ClientRequest): Promise<HttpResponse> {
    const key = req.scopes.join(" ");
    const cached = this.#basic ? basicHeader(this.#credentials ?? {}) : this.#tokens.get(key);
    const res = await this.#send(req, cached);
    if (res.status !== 401) return res;
    const challenges = parseChallenges(res.header("www-authenticate"));
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const basic = challenges.find((c) => c.scheme === "basic");
    if (bearer) {
      await res.drain();
      let token;
      try {
        token = await fetchToken(bearer, req.scopes, this.#credentials, { signal: this.#signal });
      } catch (err) {
        if (err instanceof TokenRequestError && (err.status === 401 || err.status === 403))
          throw new UnauthorizedError(err.message);
        throw err;
      }
      const header = `Bearer ${token.token}`;
      this.#tokens.set(key, header);
      return this.#send(req, header);
    }
    if (basic && this.#credentials && !this.#basic) {
      await res.drain();
      this.#basic = true;
      return this.#send(req, basicHeader(this.#credentials));
    }
    return res;
  }

  #send(req: ClientRequest, authorization: string | undefined): Promise<HttpResponse> {
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(req.path, this.endpoint);
    const headers: Record<string, string> = { ...req.headers };
    // Credentials go only to the registry itself, never to a storage host a Location points at.
    if (authorization !== undefined && url.origin === new URL(this.endpoint).origin)
      headers.Authorization = authorization;
    const body = typeof req.body === "function" ? req.body() : req.body;
    return send({ method: req.method, url, headers, body, signal: this.#signal });
  }
}

function hasCredentials(c: RegistryCredentials | undefined): boolean {
  return (
    c !== undefined &&
    ((c.identityToken !== undefined && c.identityToken !== "") ||
      (c.username !== undefined && c.username !== ""))
  );
}

/** `repository:NAME:pull` style scope. */
export function repoScope(path: string, actions: string): string {
  return `repository:${path}:${actions}`;
}

/** The error text of a registry answer, as Docker prints it: `manifest unknown: manifest unknown`. */
export async function registryErrorText(res: HttpResponse): Promise<{ code?: string; text: string }> {
  const body = await res.text(1024 * 1024).catch(() => "");
  try {
    const doc = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const e = doc.errors?.[0];
    if (e?.code !== undefined) {
      return {
        code: e.code,
        text: `${e.code.toLowerCase().replace(/_/g, " ")}: ${e.message ?? e.code.toLowerCase()}`,
      };
    }
  } catch {
    // not JSON
  }
  return {
    text: `unexpected status from registry: ${res.status}${body.trim() !== "" ? ` ${body.trim().slice(0, 200)}` : ""}`,
  };
}

/** A connection failure in Docker's words: `Get "http://h/v2/": dial tcp h: connect: connection refused`. */
function dialError(req: ClientRequest, endpoint: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === undefined || !isNetworkError(err)) return err;
  const url = /^https?:\/\//.test(req.path) ? req.path : `${endpoint}${req.path}`;
  const method = req.method[0] + req.method.slice(1).toLowerCase();
  const reason =
    e.code === "ECONNREFUSED"
      ? "connect: connection refused"
      : e.code === "ECONNRESET"
        ? "connection reset by peer"
        : e.message;
  const target = new URL(endpoint).host;
  return new RegistryError(`${method} "${url}": dial tcp ${target}: ${reason}`);
}
