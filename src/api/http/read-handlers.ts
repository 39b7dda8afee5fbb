// get, list and watch of a resource (and GET of its /status and /scale), answered as JSON or
// as a server-side Table.
import { apiVersionOf, type KubeObject } from "../types.js";
import { notServed, scopeNamespace, type RequestContext } from "./context.js";
import type { HttpResourceDef } from "./deps.js";
import { CONTENT_JSON, CONTENT_TABLE } from "./negotiate.js";
import { listOptions, watchOptions } from "./query.js";
import { sendJson, sendJsonList } from "./respond.js";
import { includeObjectParam, partialObjectMetadata, toTable } from "./tables.js";
import { mapEventObject, serveWatch } from "./watch.js";

export function sendObject(ctx: RequestContext, def: HttpResourceDef, obj: KubeObject, code = 200): void {
  if (ctx.representation === "table" && obj.kind === def.kind) {
    const include = includeObjectParam(ctx.url.searchParams);
    const metadata =
      obj.metadata.resourceVersion === undefined ? {} : { resourceVersion: obj.metadata.resourceVersion };
    sendJson(ctx.res, code, toTable(def, [obj], { metadata, include, now: ctx.now() }), CONTENT_TABLE);
    return;
  }
  sendJson(
    ctx.res,
    code,
    ctx.representation === "metadata" && obj.kind === def.kind ? partialObjectMetadata(obj) : obj,
  );
}

export async function handleGet(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const { info } = ctx;
  const ns = scopeNamespace(def, info);
  if (info.subresource === "scale") {
    if (def.subresources.scale === undefined) throw notServed();
    sendJson(ctx.res, 200, await ctx.face.registry.getScale(def, ns, info.urlName));
    return;
  }
  if (info.subresource !== "" && !(info.subresource === "status" && def.subresources.status))
    throw notServed();
  sendObject(ctx, def, await ctx.face.registry.get(def, ns, info.urlName));
}

export async function handleList(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const ns = scopeNamespace(def, ctx.info);
  const opts = listOptions(ctx.url.searchParams);
  if (ctx.representation !== "table" && ctx.representation !== "metadata") {
    // Items are read, parsed and written a piece at a time: a list of thousands stays small.
    const lazy = await ctx.face.registry.listLazily(def, ns, opts);
    await sendJsonList(ctx.res, lazy.head, lazy.items);
    return;
  }
  const list = await ctx.face.registry.list(def, ns, opts);
  if (ctx.representation === "table") {
    const include = includeObjectParam(ctx.url.searchParams);
    sendJson(
      ctx.res,
      200,
      toTable(def, list.items, { metadata: list.metadata, include, now: ctx.now() }),
      CONTENT_TABLE,
    );
    return;
  }
  const items = list.items.map(partialObjectMetadata);
  sendJson(ctx.res, 200, {
    kind: "PartialObjectMetadataList",
    apiVersion: "meta.k8s.io/v1",
    metadata: list.metadata,
    items,
  });
}

export async function handleWatch(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const q = ctx.url.searchParams;
  const opts = watchOptions(q, ctx.info.urlName);
  const ns = scopeNamespace(def, ctx.info);
  const table = ctx.representation === "table";
  const metadataOnly = ctx.representation === "metadata";
  const include = table ? includeObjectParam(q) : "Metadata";
  const apiVersion = apiVersionOf(def);
  await serveWatch(ctx.req, ctx.res, {
    events: (signal) => ctx.face.registry.watch(def, ns, opts, signal),
    contentType: table ? CONTENT_TABLE : CONTENT_JSON,
    shutdown: ctx.shutdown,
    ...(opts.timeoutSeconds !== undefined && { timeoutSeconds: opts.timeoutSeconds }),
    ...(metadataOnly && {
      transform: (event) =>
        mapEventObject(event, (obj) => (event.type === "BOOKMARK" ? obj : partialObjectMetadata(obj))),
    }),
    ...(table && {
      transform: (event) =>
        mapEventObject(event, (obj) =>
          // A BOOKMARK carries only a resourceVersion: an empty Table with it.
          event.type === "BOOKMARK"
            ? toTable(def, [], {
                metadata: { resourceVersion: obj.metadata.resourceVersion ?? "" },
                include,
                now: ctx.now(),
                columns: false,
              })
            : toTable(def, [{ ...obj, apiVersion: obj.apiVersion || apiVersion }], {
                metadata: { resourceVersion: obj.metadata.resourceVersion ?? "" },
                include,
                now: ctx.now(),
              }),
        ),
    }),
  });
}
