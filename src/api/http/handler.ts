// The request pipeline of the API server: request info → authentication (401) →
// authorisation (403) → the handler for the path, with every failure answered as a Status and
// one log line and one metrics sample per request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { Logger } from "pino";
import type { Registry as MetricsRegistry } from "prom-client";
import { forbiddenError } from "../auth/forbidden.js";
import { ApiError } from "../errors.js";
import { methodNotAllowed, notAcceptable, notServed, type RequestContext } from "./context.js";
import type { ApiFace, HttpResourceDef, RequestAttributes, UserInfo } from "./deps.js";
import type { ApiMetrics } from "./metrics.js";
import { negotiate } from "./negotiate.js";
import { handleNonResource, isPublicPath } from "./non-resource.js";
import { OpenApiDocs } from "./openapi.js";
import { handleGet, handleList, handleWatch } from "./read-handlers.js";
import { requestInfo, type RequestInfo } from "./request-info.js";
import { sendError } from "./respond.js";
import { REVIEW_RESOURCES, handleAccessReview, handleTokenRequest } from "./reviews.js";
import { CREATE_SUBRESOURCES, handleCreateSubresource, handleLegacyBinding } from "./pod-subresources.js";
import { handlePodLog } from "./streams/logs.js";
import { STREAM_SUBRESOURCES, handleStreamUpgrade, refuseUpgrade } from "./streams/upgrade.js";
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handlePatch,
  handleUpdate,
} from "./write-handlers.js";

export interface ApiHandlerOptions {
  face: ApiFace;
  logger: Logger;
  metrics: ApiMetrics;
  metricsRegistry: MetricsRegistry;
  /** Aborted when the server shuts down: open watches end at once instead of holding it up. */
  shutdown?: AbortSignal;
}

/** Upgraded requests (exec, port-forward): the server's `upgrade` event. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export type RequestHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  upgrade?: UpgradeHandler;
};

export const ANONYMOUS: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

const UNAUTHORIZED = new ApiError("Unauthorized", "Unauthorized");

/** The client certificate, only when the TLS layer verified it against our CA. */
function verifiedPeerCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== "function") return undefined;
  const cert = socket.getPeerCertificate();
  return cert !== undefined && Object.keys(cert).length > 0 ? cert : undefined;
}

async function authenticate(face: ApiFace, req: IncomingMessage): Promise<UserInfo> {
  const authorization = req.headers.authorization;
  const peerCertificate = verifiedPeerCertificate(req);
  if (authorization === undefined && peerCertificate === undefined) return ANONYMOUS;
  const user = await face.authenticator.authenticate({
    ...(authorization !== undefined && { authorization }),
    ...(peerCertificate !== undefined && { peerCertificate }),
  });
  if (user === undefined) throw UNAUTHORIZED;
  return user;
}

function attributes(info: RequestInfo, user: UserInfo): RequestAttributes {
  return {
    user,
    verb: info.verb,
    resourceRequest: info.resourceRequest,
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: info.path,
  };
}

async function authorize(face: ApiFace, info: RequestInfo, user: UserInfo): Promise<void> {
  if (!info.resourceRequest && isPublicPath(info.path)) return;
  const a = attributes(info, user);
  const decision = await face.authorizer.authorize(a);
  if (decision.allowed) return;
  // RBAC denies without a reason, so Kubernetes' message ends after the scope.
  throw forbiddenError(a);
}

const SUBRESOURCE_VERBS = new Set(["get", "update", "patch"]);

/** The subresources of pods that are not plain reads and writes of the pod. */
function handlePodSubresource(ctx: RequestContext, def: HttpResourceDef): Promise<void> | undefined {
  const { info } = ctx;
  if (!(def.group === "" && def.resource === "pods") || info.subresource === "") return undefined;
  if (CREATE_SUBRESOURCES.has(info.subresource)) return handleCreateSubresource(ctx, def);
  if (info.subresource === "log") {
    if (info.verb !== "get") throw methodNotAllowed();
    return handlePodLog(ctx);
  }
  if (STREAM_SUBRESOURCES.has(info.subresource)) {
    throw new ApiError("BadRequest", "Upgrade request required");
  }
  return undefined;
}

async function handleResource(ctx: RequestContext): Promise<void> {
  const { info, face } = ctx;
  if (info.group === "authorization.k8s.io" && REVIEW_RESOURCES.has(info.resource)) {
    return handleAccessReview(ctx, info.resource);
  }
  if (info.group === "" && info.version === "v1" && info.resource === "bindings") {
    return handleLegacyBinding(ctx);
  }
  const def: HttpResourceDef | undefined = face.catalog.get(info.group, info.version, info.resource);
  if (def === undefined) throw notServed();
  // A namespace in the URL of a cluster-scoped kind (other than the namespace itself) is no path.
  if (!def.namespaced && info.namespace !== "" && !(def.group === "" && def.resource === "namespaces")) {
    throw notServed();
  }
  // Without a namespace, a namespaced resource only lists and watches across all of them.
  if (def.namespaced && info.namespace === "" && info.verb !== "list" && info.verb !== "watch") {
    throw notServed();
  }
  if (def.group === "" && def.resource === "serviceaccounts" && info.subresource === "token") {
    return handleTokenRequest(ctx, def);
  }
  const pods = handlePodSubresource(ctx, def);
  if (pods !== undefined) return pods;
  const allowed = info.subresource === "" ? def.verbs.includes(info.verb) : SUBRESOURCE_VERBS.has(info.verb);
  if (!allowed) throw methodNotAllowed();
  if (ctx.representation === undefined) throw notAcceptable();
  switch (info.verb) {
    case "get":
      return handleGet(ctx, def);
    case "list":
      return handleList(ctx, def);
    case "watch":
      return handleWatch(ctx, def);
    case "create":
      return handleCreate(ctx, def);
    case "update":
      return handleUpdate(ctx, def);
    case "patch":
      return handlePatch(ctx, def);
    case "delete":
      return handleDelete(ctx, def);
    case "deletecollection":
      return handleDeleteCollection(ctx, def);
    default:
      throw methodNotAllowed();
  }
}

/**
 * Kubernetes (1.32, AuthorizePodWebsocketUpgradeCreatePermission) also asks for `create` on a
 * WebSocket GET of exec, attach and port-forward, so that `get` alone cannot run commands.
 */
async function authorizeUpgrade(face: ApiFace, info: RequestInfo, user: UserInfo): Promise<void> {
  await authorize(face, info, user);
  if (info.verb === "get" && ["exec", "attach", "portforward"].includes(info.subresource)) {
    await authorize(face, { ...info, verb: "create" }, user);
  }
}

function createUpgradeHandler(o: ApiHandlerOptions): UpgradeHandler {
  return (req, socket, head) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const info = requestInfo(req.method ?? "GET", url.pathname, url.searchParams);
    const log = o.logger.child({ method: req.method, path: url.pathname, upgrade: req.headers.upgrade });
    socket.on("error", (err) => log.debug({ err }, "upgraded connection failed"));
    void (async () => {
      const user = await authenticate(o.face, req);
      await authorizeUpgrade(o.face, info, user);
      await handleStreamUpgrade({ req, socket, head, info, url, face: o.face, logger: log });
      log.info({ user: user.name, verb: info.verb, subresource: info.subresource }, "upgrade");
    })().catch((err: unknown) => {
      if (!(err instanceof ApiError) || err.code >= 500) log.error({ err }, "upgrade failed");
      else log.info({ status: err.code, reason: err.reason }, "upgrade refused");
      refuseUpgrade(socket, err);
    });
  };
}

export function createApiHandler(o: ApiHandlerOptions): RequestHandler {
  const handler: RequestHandler = createRequestHandler(o);
  handler.upgrade = createUpgradeHandler(o);
  return handler;
}

/** A request slower than this (but a watch) is logged at info. */
const SLOW_REQUEST_MS = 1000;

function createRequestHandler(o: ApiHandlerOptions): RequestHandler {
  const openapi = new OpenApiDocs(o.face.catalog);
  const clock = o.face.clock ?? (() => new Date());
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "https://localhost");
    const info = requestInfo(req.method ?? "GET", url.pathname, url.searchParams);
    let user: UserInfo | undefined;
    res.once("close", () => {
      const ms = performance.now() - started;
      const code = res.statusCode;
      // As kube-apiserver (its httplog is -v=3): every request at debug, and at info only the
      // failed (5xx) and the slow ones. A line per request at info cost 6% of the server's CPU
      // at 200 writes/s, and a synchronous stdout write blocks the event loop while the reader
      // of the pipe lags.
      const level = code >= 500 || (ms >= SLOW_REQUEST_MS && info.verb !== "watch") ? "info" : "debug";
      o.logger[level](
        {
          method: req.method,
          path: url.pathname,
          status: code,
          ms: Math.round(ms * 10) / 10,
          user: user?.name,
          verb: info.verb,
          ...(info.resourceRequest && { resource: info.resource }),
          ...(info.subresource !== "" && { subresource: info.subresource }),
          ...(info.namespace !== "" && { namespace: info.namespace }),
        },
        "request",
      );
      o.metrics.observe(
        {
          verb: info.resourceRequest ? info.verb : (req.method ?? "GET"),
          group: info.group,
          resource: info.resource,
          subresource: info.subresource,
          code,
          apply:
            info.verb === "patch" &&
            (req.headers["content-type"] ?? "").startsWith("application/apply-patch"),
        },
        ms / 1000,
      );
    });
    void (async () => {
      user = await authenticate(o.face, req);
      await authorize(o.face, info, user);
      const discovery = !info.resourceRequest && (info.path === "/api" || info.path === "/apis");
      const ctx: RequestContext = {
        req,
        res,
        url,
        info,
        user,
        face: o.face,
        representation: negotiate(req.headers.accept, { discovery }),
        now: clock,
        shutdown: o.shutdown ?? new AbortController().signal,
      };
      if (info.resourceRequest) await handleResource(ctx);
      else await handleNonResource(ctx, { openapi, metrics: o.metricsRegistry });
    })().catch((err: unknown) => {
      if (!(err instanceof ApiError) || err.code >= 500) {
        o.logger.error({ err, method: req.method, path: url.pathname }, "request failed");
      }
      // The body of a refused request is not read; drain it so the connection stays usable.
      if (!req.readableEnded) req.resume();
      sendError(res, err);
    });
  };
}
