// Reading the patch schema of resources/ (docs/api.md `PatchSchema`): what strategic merge patch
// and server-side apply need to know about a field.

import type { PatchSchema } from "../resources/def.js";

export type { PatchSchema };

/** A schema that knows nothing: every value is handled by its JSON shape (as for CRDs). */
export const UNTYPED: PatchSchema = {};

/** The schema of field or map key `key` of an object described by `s` (UNTYPED when unknown). */
export function fieldSchema(s: PatchSchema | undefined, key: string): PatchSchema {
  return s?.fields?.[key] ?? s?.additional ?? UNTYPED;
}

/** Whether `key` is a declared field of `s` (rather than a map key or an unknown field). */
export function isDeclaredField(s: PatchSchema | undefined, key: string): boolean {
  return s?.fields !== undefined && Object.hasOwn(s.fields, key);
}

export function itemSchema(s: PatchSchema | undefined): PatchSchema {
  return s?.items ?? UNTYPED;
}

/** The strategic-merge strategy of a field, without the retainKeys part. */
export function smpStrategy(s: PatchSchema | undefined): "merge" | "replace" | undefined {
  const p = s?.patchStrategy;
  if (p === "merge" || p === "merge,retainKeys") return "merge";
  if (p === "replace") return "replace";
  return undefined;
}

/**
 * How server-side apply treats a list: `x-kubernetes-list-type` when the schema has one, else
 * what its strategic-merge tags imply (a merge key makes a map list, merged primitives a set),
 * else atomic, as structured-merge-diff does.
 */
export function ssaListType(
  s: PatchSchema | undefined,
): { type: "atomic" } | { type: "set" } | { type: "map"; keys: string[] } {
  if (s?.listType === "atomic") return { type: "atomic" };
  if (s?.listType === "set") return { type: "set" };
  const keys = s?.listMapKeys ?? (s?.patchMergeKey !== undefined ? [s.patchMergeKey] : undefined);
  if (s?.listType === "map" && keys !== undefined) return { type: "map", keys };
  if (smpStrategy(s) === "merge") {
    if (keys !== undefined) return { type: "map", keys };
    return { type: "set" };
  }
  return { type: "atomic" };
}
