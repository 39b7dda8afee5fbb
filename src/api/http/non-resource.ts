// Paths outside the resource tree: /version, health checks, discovery, OpenAPI and /metrics.
import type { Registry as MetricsRegistry } from "prom-client";
import { methodNotAllowed, notAcceptable, notServed, type RequestContext } from "./context.js";
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from "./discovery.js";
import { CONTENT_AGGREGATED, CONTENT_JSON } from "./negotiate.js";
import type { OpenApiDocs } from "./openapi.js";
import { sendJson } from "./respond.js";

/** Reported as 1.32: the kubectl dispatcher picks its kubectl by this minor (kubectl-wire §0.1). */
export function versionInfo(): object {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-skiff",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.23.4",
    compiler: "gc",
    platform: `${process.platform}/${arch}`,
  };
}

/** Paths every client may read, authenticated or not (system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(version|healthz|livez|readyz)(\/.*)?$/;

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.test(path);
}

export interface NonResourceDeps {
  openapi: OpenApiDocs;
  metrics: MetricsRegistry;
}

function sendText(
  ctx: RequestContext,
  code: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  ctx.res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  ctx.res.end(text);
}

export async function handleNonResource(ctx: RequestContext, deps: NonResourceDeps): Promise<void> {
  const path = ctx.info.path;
  const method = ctx.req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") throw methodNotAllowed();
  const { catalog } = ctx.face;

  if (path === "/version") return sendJson(ctx.res, 200, versionInfo());
  if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(path)) return sendText(ctx, 200, "ok");
  if (path === "/metrics") {
    return sendText(ctx, 200, await deps.metrics.metrics(), deps.metrics.contentType);
  }
  if (path === "/api" || path === "/apis") {
    const agg = ctx.representation === "aggregated-discovery";
    if (ctx.representation === undefined) throw notAcceptable();
    const core = path === "/api";
    if (agg) return sendJson(ctx.res, 200, aggregatedDiscovery(catalog, core), CONTENT_AGGREGATED);
    return sendJson(ctx.res, 200, core ? apiVersions(ctx.face.serverAddress) : apiGroupList(catalog));
  }
  const parts = path.split("/").slice(1);
  if (parts[0] === "api" && parts.length === 2) {
    const doc = apiResourceList(catalog, "", parts[1] as string);
    if (doc !== undefined) return sendJson(ctx.res, 200, doc);
  }
  if (parts[0] === "apis" && parts.length === 2) {
    const doc = apiGroupDoc(catalog, parts[1] as string);
    if (doc !== undefined) return sendJson(ctx.res, 200, doc);
  }
  if (parts[0] === "apis" && parts.length === 3) {
    const doc = apiResourceList(catalog, parts[1] as string, parts[2] as string);
    if (doc !== undefined) return sendJson(ctx.res, 200, doc);
  }
  if (path === "/openapi/v3") return sendJson(ctx.res, 200, deps.openapi.index());
  if (path.startsWith("/openapi/v3/")) {
    const doc = deps.openapi.document(path.slice("/openapi/v3/".length));
    if (doc !== undefined) {
      // A document asked for by its current hash never changes: let clients cache it.
      const immutable = ctx.url.searchParams.get("hash") === doc.hash;
      ctx.res.writeHead(200, {
        "Content-Type": CONTENT_JSON,
        "Content-Length": Buffer.byteLength(doc.text),
        ETag: `"${doc.hash}"`,
        "Cache-Control": immutable ? "public, immutable" : "no-cache, private",
      });
      ctx.res.end(doc.text);
      return;
    }
  }
  throw notServed();
}
