// The create-only subresources of pods over HTTP: POST pods/NAME/binding, pods/NAME/eviction and
// the legacy POST namespaces/NS/bindings (the Binding's own name picks the pod). Answered 201
// with the registry's Success Status, as Kubernetes does.
import { badRequest } from "../errors.js";
import { isRecord } from "../registry/object-util.js";
import type { KubeObject } from "../types.js";
import { methodNotAllowed, notServed, type RequestContext } from "./context.js";
import type { HttpResourceDef } from "./deps.js";
import { decodeObject, readBody } from "./body.js";
import { writeOptions } from "./query.js";
import { sendJson } from "./respond.js";

export const CREATE_SUBRESOURCES = new Set(["binding", "eviction"]);

async function body(ctx: RequestContext): Promise<KubeObject> {
  const obj = decodeObject(await readBody(ctx.req), ctx.req.headers["content-type"], ctx.face.decodeProtobuf);
  if (!isRecord(obj.metadata)) obj.metadata = {};
  return obj as KubeObject;
}

async function create(
  ctx: RequestContext,
  def: HttpResourceDef,
  name: string,
  sub: string,
  obj: KubeObject,
): Promise<void> {
  const o = { ...writeOptions(ctx.url.searchParams, ctx.req.headers["user-agent"]), user: ctx.user };
  const status = await ctx.face.registry.createSubresource(def, ctx.info.namespace, name, sub, obj, o);
  sendJson(ctx.res, 201, status);
}

/** POST pods/NAME/binding or pods/NAME/eviction. */
export async function handleCreateSubresource(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  if (ctx.info.verb !== "create") throw methodNotAllowed();
  if (!(def.group === "" && def.resource === "pods")) throw notServed();
  await create(ctx, def, ctx.info.urlName, ctx.info.subresource, await body(ctx));
}

/** POST namespaces/NS/bindings. */
export async function handleLegacyBinding(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "create" || ctx.info.urlName !== "") throw methodNotAllowed();
  const def = ctx.face.catalog.get("", "v1", "pods");
  if (def === undefined || ctx.info.namespace === "") throw notServed();
  const binding = await body(ctx);
  const name = binding.metadata.name;
  if (name === undefined || name === "") throw badRequest("name is required for a Binding");
  await create(ctx, def, name, "binding", binding);
}
