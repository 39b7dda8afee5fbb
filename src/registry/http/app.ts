// The registry's HTTP face: one Fastify instance serving the distribution API under /v2/,
// the token endpoint, the admin API and /metrics. Bodies are never parsed by Fastify:
// handlers read the raw request stream, so blobs stream straight to disk.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { Logger } from "pino";
import type { Registry as MetricsRegistry } from "prom-client";
import type { TokenService } from "../../auth/tokens.js";
import { isValidRepositoryName } from "../../oci/names.js";
import { REGISTRY_SERVICE, UnauthorizedError, type Requirement } from "../access.js";
import { RegistryError } from "../errors.js";
import type { RegistryMetrics } from "../metrics.js";
import { blobRoutes } from "./blobs.js";
import { listingRoutes } from "./listing.js";
import { manifestRoutes } from "./manifests.js";
import { matchRoute, type Route } from "./route.js";
import type { RegistryServices } from "./services.js";
import { registerTokenEndpoint } from "./token.js";
import { uploadRoutes } from "./uploads.js";

export interface RegistryAppOptions {
  services: RegistryServices;
  tokens: TokenService;
  logger: Logger;
  metrics: RegistryMetrics;
  metricsRegistry: MetricsRegistry;
  /** Adds further routes (the admin API) to the same listener. */
  extend?: (app: FastifyInstance) => void;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The registry route that served the request, for logs and metrics. */
    routeName?: string;
    principalName?: string;
  }
}

function challenge(request: FastifyRequest, scopes: Requirement[]): string {
  const realm = `${request.protocol}://${request.headers.host ?? request.hostname}/token`;
  const parts = [`realm="${realm}"`, `service="${REGISTRY_SERVICE}"`];
  const scope = scopes
    .map(({ repository, actions }) => {
      const wanted = new Set(actions);
      if (wanted.has("push")) wanted.add("pull");
      return `repository:${repository}:${["pull", "push", "delete"].filter((a) => wanted.has(a as never)).join(",")}`;
    })
    .join(" ");
  if (scope !== "") parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(",")}`;
}

function sendError(request: FastifyRequest, reply: FastifyReply, err: RegistryError) {
  if (err.status === 401) {
    reply.header("WWW-Authenticate", challenge(request, err instanceof UnauthorizedError ? err.scopes : []));
  }
  reply.header("Docker-Distribution-API-Version", "registry/2.0");
  return reply.code(err.status).header("Content-Type", "application/json").send(JSON.stringify(err));
}

export function createRegistryApp(options: RegistryAppOptions): FastifyInstance {
  const { services, logger, metrics } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request comes from the onResponse hook below, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Uploads of large layers take long; only idle connections are timed out.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    return503OnClosing: false,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeName ?? request.routeOptions.url ?? "unknown";
    metrics.requests.inc({ route, method: request.method, code: reply.statusCode });
    metrics.duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        route,
        user: request.principalName,
        remote: request.ip,
      },
      "request",
    );
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof RegistryError) return sendError(request, reply, err);
    request.log.error({ err }, "request failed");
    if (reply.sent || reply.raw.headersSent) return;
    return reply
      .code(500)
      .header("Content-Type", "application/json")
      .send(
        JSON.stringify({
          errors: [{ code: "UNKNOWN", message: "internal server error; see the server log" }],
        }),
      );
  });

  const routes: Route[] = [
    ...listingRoutes(services),
    ...uploadRoutes(services),
    ...blobRoutes(services),
    ...manifestRoutes(services),
  ];

  const dispatch = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("Docker-Distribution-API-Version", "registry/2.0");
    const rawUrl = request.url;
    const q = rawUrl.indexOf("?");
    let path: string;
    try {
      path = decodeURIComponent(q === -1 ? rawUrl : rawUrl.slice(0, q));
    } catch {
      throw new RegistryError("NAME_INVALID", "malformed percent-encoding in the URL path");
    }
    const match = matchRoute(routes, request.method, path);
    if (match === undefined) throw new RegistryError("UNSUPPORTED", `unknown path ${path}`, undefined, 404);
    if (match === "method")
      throw new RegistryError("UNSUPPORTED", `${request.method} is not supported on ${path}`);
    const { route, params } = match;
    request.routeName = route.name;
    if (params.name !== undefined && !isValidRepositoryName(params.name)) {
      throw new RegistryError(
        "NAME_INVALID",
        `invalid repository name ${JSON.stringify(params.name.slice(0, 300))}`,
      );
    }
    const caller = await services.access.identify(request.headers.authorization);
    request.principalName =
      caller.kind === "user"
        ? caller.principal.name
        : caller.kind === "token"
          ? (caller.subject ?? undefined)
          : undefined;
    const requires = route.requires(params);
    if (requires === "authenticated") services.access.checkAuthenticated(caller);
    else services.access.check(caller, requires);
    const query = new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1));
    return route.handle({ request, reply, params, query, caller });
  };
  app.route({ method: ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"], url: "/v2", handler: dispatch });
  app.route({ method: ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"], url: "/v2/*", handler: dispatch });

  registerTokenEndpoint(app, { access: services.access, tokens: options.tokens });
  app.get("/metrics", async (_request, reply) => {
    reply.header("Content-Type", options.metricsRegistry.contentType);
    return options.metricsRegistry.metrics();
  });
  app.get("/healthz", async () => "ok");
  options.extend?.(app);
  return app;
}
