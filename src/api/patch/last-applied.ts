// kubectl's client-side apply annotation as server-side apply treats it when kubectl moves an
// object from client-side to server-side apply (the API server's lastAppliedManager and
// lastAppliedUpdater).

import type { KubeObject } from "../types.js";
import type { FieldSet } from "./fieldpath.js";
import { compare, toFieldSet } from "./fieldset-ops.js";
import { isObject } from "./json.js";
import { withoutManagedFields } from "./managers.js";
import type { PatchSchema } from "./schema.js";

export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

export function lastApplied(obj: KubeObject | undefined): string | undefined {
  const v = obj?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Conflicts kubectl may take over when moving an object from client-side to server-side apply:
 * the fields its last-applied annotation sets to the value they still have (lastAppliedManager).
 */
export function allowedByLastApplied(
  liveObj: KubeObject | undefined,
  schema: PatchSchema,
): FieldSet | undefined {
  const text = lastApplied(liveObj);
  if (text === undefined) return undefined;
  let previous: unknown;
  try {
    previous = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(previous)) return undefined;
  const c = compare(previous, withoutManagedFields(liveObj), schema);
  return toFieldSet(previous, schema).difference(c.modified).difference(c.added).difference(c.removed);
}

/** Keeps the client-side apply annotation in step with what kubectl applies server-side (lastAppliedUpdater). */
export function withLastApplied(obj: KubeObject, applied: KubeObject): KubeObject {
  const config = structuredClone(applied);
  if (isObject(config.metadata) && isObject(config.metadata.annotations)) {
    delete config.metadata.annotations[LAST_APPLIED_ANNOTATION];
  }
  const annotations = { ...obj.metadata.annotations, [LAST_APPLIED_ANNOTATION]: `${sortedJson(config)}\n` };
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/** JSON with object keys sorted, as Go encodes a map. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
