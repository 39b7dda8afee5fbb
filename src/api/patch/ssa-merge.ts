// The merge of server-side apply (structured-merge-diff's typed Merge): the applied
// configuration wins for every leaf it sets; granular maps take the union of keys; map and
// set lists merge item by item, ordered as the library does (the applied order for the items
// it names, live-only items kept where they were); atomic values are replaced.

import type { PathElement } from "./fieldpath.js";
import { clone, isObject, type JsonObject, setOwn } from "./json.js";
import { fieldSchema, itemSchema, type PatchSchema } from "./schema.js";
import { elementId, resolvePair } from "./typed.js";

export function ssaMerge(live: unknown, applied: unknown, schema: PatchSchema): unknown {
  if (applied === undefined) return clone(live);
  if (live === undefined) return clone(applied);
  const pair = resolvePair(schema, live, applied);
  if (!pair) return clone(applied);
  if (pair.l.kind === "map" && pair.r.kind === "map") {
    const out: JsonObject = { ...pair.l.value };
    for (const [k, v] of Object.entries(pair.r.value))
      setOwn(out, k, ssaMerge(pair.l.value[k], v, fieldSchema(schema, k)));
    return out;
  }
  if (pair.l.kind === "list" && pair.r.kind === "list") {
    return mergeItems(pair.l.value, pair.l.elements, pair.r.value, pair.r.elements, itemSchema(schema));
  }
  return clone(applied);
}

/** structured-merge-diff's visitListItems ordering, item values merged recursively. */
function mergeItems(
  lhs: unknown[],
  lPEs: PathElement[],
  rhs: unknown[],
  rPEs: PathElement[],
  schema: PatchSchema,
): unknown[] {
  const lIds = lPEs.map(elementId);
  const rIds = rPEs.map(elementId);
  const lById = new Map(lIds.map((id, i) => [id, lhs[i]]));
  const rById = new Map(rIds.map((id, i) => [id, rhs[i]]));
  const shared = rIds.filter((id) => lById.has(id));
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  const advanceShared = () => {
    nextShared = shared.shift();
  };
  let li = 0;
  let ri = 0;
  while (li < lIds.length || ri < rIds.length) {
    if (li < lIds.length && ri < rIds.length) {
      const id = lIds[li] as string;
      if (id === rIds[ri]) {
        merged.add(id);
        out.push(ssaMerge(lById.get(id), rById.get(id), schema));
        li++;
        ri++;
        advanceShared();
        continue;
      }
      if (rById.has(id) && nextShared !== undefined && nextShared !== id) {
        li++; // shared with the applied list, but not the one due now: placed when the applied list reaches it
        continue;
      }
    }
    if (li < lIds.length) {
      const id = lIds[li] as string;
      if (!rById.has(id)) {
        out.push(clone(lhs[li]));
        li++;
        continue;
      }
      if (merged.has(id)) {
        li++;
        continue;
      }
    }
    if (ri < rIds.length) {
      const id = rIds[ri] as string;
      merged.add(id);
      out.push(ssaMerge(lById.get(id), rById.get(id), schema));
      ri++;
      if (nextShared !== undefined && nextShared === id) advanceShared();
    }
  }
  return out;
}

/** Deletes the map entries the applied configuration set to null (the Go types drop them too). */
export function dropAppliedNulls(merged: unknown, applied: unknown): unknown {
  if (!isObject(merged) || !isObject(applied)) return merged;
  const out: JsonObject = { ...merged };
  for (const [k, v] of Object.entries(applied)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) setOwn(out, k, dropAppliedNulls(out[k], v));
  }
  return out;
}
