// Steps shared by create, update and patch: field validation, defaulting + validation, managedFields.
import type { ApiError } from "../errors.js";
import { badRequest, invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { defApiVersion } from "./object-util.js";
import type { WriteOptions } from "./options.js";

/** The manager recorded in managedFields when the caller names none. */
export const DEFAULT_MANAGER = "skiff";

/**
 * fieldValidation for unknown fields: Strict rejects; Warn drops them and warns; Ignore drops
 * them silently — as the real server's decoder does, so nothing unknown is ever stored.
 */
export function checkUnknownFields(def: ResourceDef, obj: KubeObject, o: WriteOptions): void {
  const mode = o.fieldValidation ?? "Warn";
  const unknown = def.unknownFields(obj);
  if (unknown.length === 0) return;
  // Kubernetes names fields without a leading dot: `unknown field "spec.foo"`.
  const texts = unknown.map((path) => `unknown field "${path.replace(/^\./, "")}"`);
  if (mode === "Strict") {
    throw badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${texts.join(", ")}`,
    );
  }
  // Deepest first, so that removing an item's field never shifts a later path.
  for (const path of [...unknown].reverse()) dropField(obj, path);
  if (mode === "Warn") o.warnings?.push(...texts);
}

/** Deletes the field at `path` (`.spec.template.spec.containers[0].imagee`) if it is there. */
export function dropField(obj: unknown, path: string): void {
  const steps = [...path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
  let at: unknown = obj;
  for (const step of steps.slice(0, -1)) {
    if (at === null || typeof at !== "object") return;
    at = (at as Record<string | number, unknown>)[step];
  }
  const last = steps[steps.length - 1];
  if (last !== undefined && at !== null && typeof at === "object" && !Array.isArray(at)) {
    delete (at as Record<string | number, unknown>)[last];
  }
}

/** Defaults then validates in place; Invalid (422) with the kind's field causes. */
export function defaultAndValidate(def: ResourceDef, obj: KubeObject, old?: KubeObject): void {
  def.setDefaults(obj);
  const causes = def.validate(obj, old);
  if (causes.length > 0) throw invalid({ group: def.group, kind: def.kind }, obj.metadata.name ?? "", causes);
}

/** Records the write's fields for its manager (operation Update), when patch/ is wired. */
export function trackManagedFields(
  ctx: RegistryContext,
  def: ResourceDef,
  old: KubeObject | undefined,
  updated: KubeObject,
  o: WriteOptions,
  subresource?: string,
): KubeObject {
  if (!ctx.patch) return updated;
  return ctx.patch.updateManagedFields({
    old,
    updated,
    manager: o.fieldManager ?? DEFAULT_MANAGER,
    operation: "Update",
    ...(subresource !== undefined && { subresource }),
    schema: def.patchSchema,
    apiVersion: defApiVersion(def),
    now: ctx.clock(),
  });
}

/** Sets apiVersion/kind to the def's; a body naming another kind is a BadRequest. */
export function normaliseKind(def: ResourceDef, obj: KubeObject): void {
  if (typeof obj.kind === "string" && obj.kind !== "" && obj.kind !== def.kind) {
    throw badRequest(
      `the kind in the body (${obj.kind}) does not match the kind of the request (${def.kind})`,
    );
  }
  obj.apiVersion = defApiVersion(def);
  obj.kind = def.kind;
  if (typeof obj.metadata !== "object" || obj.metadata === null || Array.isArray(obj.metadata)) {
    obj.metadata = {};
  }
}

export function namespaceMismatch(): ApiError {
  return badRequest("the namespace of the provided object does not match the namespace sent on the request");
}
