// The registry's HTTP face on Node's own HTTP server: the distribution API under /v2/, the
// token endpoint, the admin API, /metrics and /healthz. Bodies are never buffered by the
// framework: handlers read the request stream, so blobs stream straight to disk. (A web
// framework cost more resident memory than the whole registry otherwise uses; the routing
// the registry needs — names with slashes — is a pattern table anyway.)
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry as MetricsRegistry } from "prom-client";
import type { TokenService } from "../../auth/tokens.js";
import { SinkClosedError } from "../../content/copy-file.js";
import { isValidRepositoryName } from "../../oci/names.js";
import { REGISTRY_SERVICE, UnauthorizedError, type Requirement } from "../access.js";
import { RegistryError } from "../errors.js";
import type { RegistryMetrics } from "../metrics.js";
import { blobRoutes } from "./blobs.js";
import { listingRoutes } from "./listing.js";
import { manifestRoutes } from "./manifests.js";
import { Reply } from "./reply.js";
import { matchRoute, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";
import { handleToken } from "./token.js";
import { uploadRoutes } from "./uploads.js";

/** One request being served, with what the log line and metrics report about it. */
export interface Exchange {
  request: IncomingMessage;
  reply: Reply;
  /** Path without the query, percent-decoded. */
  path: string;
  query: URLSearchParams;
  routeName: string;
  user?: string;
}

/** A handler for a path prefix outside /v2/ (the admin API). */
export type PrefixHandler = { prefix: string; handle: (exchange: Exchange) => Promise<unknown> };

export interface RegistryAppOptions {
  services: RegistryServices;
  tokens: TokenService;
  logger: Logger;
  metrics: RegistryMetrics;
  metricsRegistry: MetricsRegistry;
  prefixes?: PrefixHandler[];
}

function challenge(request: IncomingMessage, scopes: Requirement[]): string {
  const realm = `http://${request.headers.host ?? "localhost"}/token`;
  const parts = [`realm="${realm}"`, `service="${REGISTRY_SERVICE}"`];
  const scope = scopes
    .map(({ repository, actions }) => {
      const wanted = new Set<string>(actions);
      if (wanted.has("push")) wanted.add("pull");
      return `repository:${repository}:${["pull", "push", "delete"].filter((a) => wanted.has(a)).join(",")}`;
    })
    .join(" ");
  if (scope !== "") parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(",")}`;
}

function sendError(exchange: Exchange, err: RegistryError): Promise<void> {
  const { reply, request } = exchange;
  if (err.status === 401 && !reply.raw.hasHeader("www-authenticate")) {
    reply.header("WWW-Authenticate", challenge(request, err instanceof UnauthorizedError ? err.scopes : []));
  }
  // Headers set for a success (Content-Length of a blob, Location…) must not leak into the error.
  // A 416 keeps the `Content-Range: bytes */SIZE` its handler set (RFC 9110, 15.5.17).
  for (const name of ["content-length", "content-range", "location", "docker-content-digest", "etag"]) {
    if (name === "content-range" && err.status === 416) continue;
    reply.raw.removeHeader(name);
  }
  reply.header("Content-Type", "application/json");
  // A body the handler never read would otherwise be left on a keep-alive connection.
  if (!request.complete) reply.header("Connection", "close");
  return reply.code(err.status).send(JSON.stringify(err));
}

/** Builds the request listener of the registry's HTTP server. */
export function createRegistryApp(
  options: RegistryAppOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { services, logger, metrics } = options;
  const routes: Route[] = [
    ...listingRoutes(services),
    ...uploadRoutes(services),
    ...blobRoutes(services),
    ...manifestRoutes(services),
  ];

  const dispatchV2 = async (exchange: Exchange) => {
    const { request, reply, path } = exchange;
    reply.header("Docker-Distribution-API-Version", "registry/2.0");
    const method = request.method ?? "GET";
    const match = matchRoute(routes, method, path);
    if (match === undefined) throw new RegistryError("UNSUPPORTED", `unknown path ${path}`, undefined, 404);
    if (match === "method") throw new RegistryError("UNSUPPORTED", `${method} is not supported on ${path}`);
    const { route, params } = match;
    exchange.routeName = route.name;
    if (params.name !== undefined && !isValidRepositoryName(params.name)) {
      throw new RegistryError(
        "NAME_INVALID",
        `invalid repository name ${JSON.stringify(params.name.slice(0, 300))}`,
      );
    }
    const caller = await services.access.identify(request.headers.authorization);
    if (caller.kind === "user") exchange.user = caller.principal.name;
    else if (caller.kind === "token" && caller.subject !== null) exchange.user = caller.subject;
    const requires = route.requires(params);
    if (requires === "authenticated") services.access.checkAuthenticated(caller);
    else services.access.check(caller, requires);
    return route.handle({ request, reply, params, query: exchange.query, caller });
  };

  const serve = async (exchange: Exchange) => {
    const { path, reply } = exchange;
    if (path === "/v2" || path.startsWith("/v2/")) return dispatchV2(exchange);
    if (path === "/token") {
      exchange.routeName = "token";
      return handleToken(exchange, { access: services.access, tokens: options.tokens });
    }
    if (path === "/metrics") {
      exchange.routeName = "metrics";
      reply.header("Content-Type", options.metricsRegistry.contentType);
      return reply.send(await options.metricsRegistry.metrics());
    }
    if (path === "/healthz") {
      exchange.routeName = "healthz";
      return reply.header("Content-Type", "text/plain").send("ok");
    }
    for (const prefix of options.prefixes ?? []) {
      if (path.startsWith(prefix.prefix)) return prefix.handle(exchange);
    }
    throw new RegistryError("UNSUPPORTED", `unknown path ${path}`, undefined, 404);
  };

  return (request, response) => {
    const started = process.hrtime.bigint();
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    const exchange: Exchange = {
      request,
      reply: new Reply(response, request.method),
      path: q === -1 ? url : url.slice(0, q),
      query: new URLSearchParams(q === -1 ? "" : url.slice(q + 1)),
      routeName: "unknown",
    };
    response.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = request.method ?? "GET";
      metrics.requests.inc({ route: exchange.routeName, method, code: response.statusCode });
      metrics.duration.observe({ route: exchange.routeName, method }, seconds);
      // Above info (e.g. --log-level warn) the log object is not even built.
      if (!logger.isLevelEnabled("info")) return;
      logger.info(
        {
          method,
          url,
          status: response.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          route: exchange.routeName,
          user: exchange.user,
          remote: request.socket.remoteAddress,
          ...(!response.writableFinished && { aborted: true }),
        },
        "request",
      );
    });
    let run: Promise<unknown>;
    try {
      exchange.path = decodeURIComponent(exchange.path);
      run = serve(exchange);
    } catch {
      run = Promise.reject(new RegistryError("NAME_INVALID", "malformed percent-encoding in the URL path"));
    }
    run.catch((err: unknown) => {
      if (err instanceof RegistryError && !exchange.reply.sent) return sendError(exchange, err);
      // A client that went away mid-download is not a server error.
      if (err instanceof SinkClosedError || response.destroyed) {
        response.destroy();
        return;
      }
      logger.error({ err, url }, "request failed");
      if (exchange.reply.sent) {
        response.destroy();
        return;
      }
      return sendError(exchange, new RegistryError("UNKNOWN", "internal server error; see the server log"));
    });
  };
}
