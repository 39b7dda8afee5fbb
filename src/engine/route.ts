// The engine's routes as a table of anchored patterns: image names contain slashes and a
// registry host with a port (`/images/127.0.0.1:5000/a/b:v1/json`), so a name is whatever
// precedes a known suffix, as moby's router does with `{name:.*}`.
import { matchPatternRoute, type RouteMatch as PatternRouteMatch } from "../http/pattern-route.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";

/** One request being served. Exactly one of `response` and `upgrade` is set. */
export interface Exchange {
  request: IncomingMessage;
  /** An ordinary request: answer through Node's response. */
  response?: ServerResponse;
  /** The client asked for `Upgrade: tcp` (attach, exec start): the raw connection is ours. */
  upgrade?: { socket: Duplex; head: Buffer };
  /** Path without the query and without the `/v1.NN` prefix, percent-decoded. */
  path: string;
  /** The API version the client asked for (`1.51` when unprefixed). */
  apiVersion: string;
  query: URLSearchParams;
  /** Named groups of the matched route's pattern. */
  params: Record<string, string>;
  routeName: string;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
  /** Set once a hijacked connection was answered with 101 (or 200) and belongs to the handler. */
  hijacked: boolean;
}

export interface Route {
  /** Stable name for the log line, e.g. `container.start`. */
  name: string;
  methods: readonly HttpMethod[];
  pattern: RegExp;
  /** Whether the route answers `Upgrade: tcp` requests itself (attach, exec start). */
  hijack?: boolean;
  handle(exchange: Exchange): Promise<unknown>;
}

export type RouteMatch = PatternRouteMatch<Route>;

/** Finds the route for a path; `"method"` when the path is known but not for this method. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): RouteMatch | "method" | undefined {
  // HEAD is answered by the GET handler (Node drops the body).
  return matchPatternRoute(routes, method, path, { headAsGet: true });
}

/** Shorthand for a route table entry. */
export function route(
  name: string,
  methods: HttpMethod | readonly HttpMethod[],
  pattern: RegExp,
  handle: (exchange: Exchange) => Promise<unknown>,
  o: { hijack?: boolean } = {},
): Route {
  return { name, methods: typeof methods === "string" ? [methods] : methods, pattern, handle, ...o };
}

export const MIN_API_VERSION = "1.24";
export const API_VERSION = "1.51";

const VERSION_PREFIX = /^\/v(\d+)\.(\d+)(\/.*)$/;

/**
 * Splits `/v1.NN/rest` into the version and `/rest`; an unprefixed path is served at the
 * newest version. Returns an error message for a version outside 1.24–1.51, worded as moby.
 */
export function splitVersion(path: string): { version: string; path: string } | { error: string } {
  const m = VERSION_PREFIX.exec(path);
  if (m === null) return { version: API_VERSION, path };
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const version = `${major}.${minor}`;
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    return {
      error: `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    };
  }
  if (compareVersions(version, API_VERSION) > 0) {
    return { error: `client version ${version} is too new. Maximum supported API version is ${API_VERSION}` };
  }
  return { version, path: m[3] ?? "/" };
}

/** Compares `major.minor` API versions numerically. */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am !== bm ? am - bm : an - bn;
}
