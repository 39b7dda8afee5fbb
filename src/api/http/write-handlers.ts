// create, update, patch, delete and deletecollection of a resource (and writes to /status and
// /scale), with the status codes of the real server: 201 for a create (also an apply that
// creates), 200 for other writes, 202 for a delete that leaves the object behind finalizers.
import { ApiError, badRequest } from "../errors.js";
import { apiVersionOf, type KubeObject } from "../types.js";
import { notServed, scopeNamespace, type RequestContext } from "./context.js";
import type { HttpResourceDef, Subresource, WriteOptions } from "./deps.js";
import { decodeObject, decodeOptionalObject, decodePatch, readBody } from "./body.js";
import { bodyDryRun, deleteOptions, listOptions, writeOptions } from "./query.js";
import { sendObject } from "./read-handlers.js";
import { sendJson, setWarnings } from "./respond.js";

function options(ctx: RequestContext): WriteOptions & { fieldManagerGiven: boolean } {
  const o = writeOptions(ctx.url.searchParams, ctx.req.headers["user-agent"]);
  return { ...o, user: ctx.user, warnings: [] };
}

function writableSubresource(def: HttpResourceDef, sub: string): Subresource | undefined {
  if (sub === "") return undefined;
  if (sub === "status" && def.subresources.status) return "status";
  if (sub === "scale" && def.subresources.scale !== undefined) return "scale";
  throw notServed();
}

/** Fills a missing apiVersion/kind from the URL and refuses an object of another kind. */
function checkTypeMeta(def: HttpResourceDef, body: Record<string, unknown>): KubeObject {
  const expected = apiVersionOf(def);
  if (body.apiVersion === undefined || body.apiVersion === "") body.apiVersion = expected;
  if (body.kind === undefined || body.kind === "") body.kind = def.kind;
  if (body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== def.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`,
    );
  }
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (typeof body.metadata !== "object" || Array.isArray(body.metadata)) {
    throw badRequest("metadata: Invalid value: must be an object");
  }
  return body as KubeObject;
}

export async function handleCreate(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  if (ctx.info.subresource !== "") throw notServed();
  const body = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const obj = checkTypeMeta(def, body);
  const o = options(ctx);
  const created = await ctx.face.registry.create(def, scopeNamespace(def, ctx.info), obj, o);
  setWarnings(ctx.res, o.warnings);
  sendObject(ctx, def, created, 201);
}

export async function handleUpdate(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const subresource = writableSubresource(def, ctx.info.subresource);
  const name = ctx.info.urlName;
  const body = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  // A Scale is its own kind (autoscaling/v1); status writes send the main kind.
  const obj = subresource === "scale" ? (body as KubeObject) : checkTypeMeta(def, body);
  obj.metadata ??= {};
  if (obj.metadata.name === undefined || obj.metadata.name === "") obj.metadata.name = name;
  if (obj.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  const o = options(ctx);
  const updated = await ctx.face.registry.update(def, scopeNamespace(def, ctx.info), name, obj, {
    ...o,
    ...(subresource !== undefined && { subresource }),
  });
  setWarnings(ctx.res, o.warnings);
  sendJson(ctx.res, 200, updated);
}

export async function handlePatch(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const subresource = writableSubresource(def, ctx.info.subresource);
  const name = ctx.info.urlName;
  const ns = scopeNamespace(def, ctx.info);
  const { type, patch } = decodePatch(await readBody(ctx.req), ctx.req.headers["content-type"]);
  const o = options(ctx);
  const q = ctx.url.searchParams;
  const force = q.get("force");
  if (type === "apply" && !o.fieldManagerGiven) {
    throw badRequest("PATCH requests with apply content type require a fieldManager");
  }
  if (force !== null && force !== "" && type !== "apply") {
    throw badRequest("force: Invalid value: true: may not be specified for non-apply patch");
  }
  // An apply may create the object (answered 201); whether it existed decides the code.
  const existed = type === "apply" && subresource === undefined ? await exists(ctx, def, ns, name) : true;
  const result = await ctx.face.registry.patch(def, ns, name, type, patch, {
    ...o,
    ...(subresource !== undefined && { subresource }),
    ...(type === "apply" && { force: force === "true" || force === "1" }),
  });
  setWarnings(ctx.res, o.warnings);
  sendJson(ctx.res, existed ? 200 : 201, result);
}

async function exists(
  ctx: RequestContext,
  def: HttpResourceDef,
  ns: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    await ctx.face.registry.get(def, ns, name);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return false;
    throw err;
  }
}

export async function handleDelete(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  if (ctx.info.subresource !== "") throw notServed();
  const body = decodeOptionalObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const o = options(ctx);
  const result = await ctx.face.registry.delete(def, scopeNamespace(def, ctx.info), ctx.info.urlName, {
    ...o,
    dryRun: o.dryRun || bodyDryRun(body),
    ...deleteOptions(ctx.url.searchParams, body),
  });
  setWarnings(ctx.res, o.warnings);
  const remains =
    result.metadata.deletionTimestamp !== undefined && (result.metadata.finalizers?.length ?? 0) > 0;
  sendJson(ctx.res, remains ? 202 : 200, result);
}

export async function handleDeleteCollection(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  if (ctx.info.subresource !== "") throw notServed();
  const body = decodeOptionalObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const o = options(ctx);
  const list = await ctx.face.registry.deleteCollection(
    def,
    scopeNamespace(def, ctx.info),
    listOptions(ctx.url.searchParams),
    { ...o, dryRun: o.dryRun || bodyDryRun(body), ...deleteOptions(ctx.url.searchParams, body) },
  );
  setWarnings(ctx.res, o.warnings);
  sendJson(ctx.res, 200, list);
}
