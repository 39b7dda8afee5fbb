// The registry's HTTP routes as a small table: repository names contain slashes, so paths
// are matched by anchored patterns (the name is everything before the last known suffix),
// as the distribution registry does, rather than by a path-segment router.
import { matchPatternRoute, type RouteMatch as PatternRouteMatch } from "../../http/pattern-route.js";
import type { IncomingMessage } from "node:http";
import type { Caller, Requirement } from "../access.js";
import type { Reply } from "./reply.js";

export type HttpMethod = "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";

export interface RouteContext {
  request: IncomingMessage;
  reply: Reply;
  /** Named groups of the route's pattern (`name`, `reference`, `digest`, `uuid`). */
  params: Record<string, string>;
  query: URLSearchParams;
  caller: Caller;
}

export interface Route {
  /** Stable name for logs and metrics, e.g. `blob.get`. */
  name: string;
  methods: readonly HttpMethod[];
  pattern: RegExp;
  /** What the caller must be allowed; `"authenticated"` for any valid credentials. */
  requires(params: Record<string, string>): Requirement[] | "authenticated";
  handle(context: RouteContext): Promise<unknown>;
}

export type RouteMatch = PatternRouteMatch<Route>;

/** Finds the route for a path (without query); `"method"` when only the method is wrong. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): RouteMatch | "method" | undefined {
  return matchPatternRoute(routes, method, path);
}

// Building blocks of the patterns. Names are validated after matching, so a bad name gets
// NAME_INVALID rather than a 404.
export const NAME = "(?<name>.+)";
export const DIGEST = "(?<digest>[^/]+)";
