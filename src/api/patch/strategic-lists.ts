// Strategic merge patch on lists (apimachinery strategicpatch mergeSlice and friends): keyed
// lists merge element-wise by their patch merge key, primitive lists as a set union, `$patch`
// elements delete or replace, and the result is ordered patch-first while keeping the relative
// order of the live list (normalizeElementOrder).

import { deepEqual, isObject, type JsonObject } from "./json.js";
import { itemSchema, type PatchSchema } from "./schema.js";
import { SmpError, errBadPatchType, errNoListOfLists, errNoMergeKey } from "./strategic-errors.js";

/** What list merging needs from map merging (strategic-merge.ts), passed in to keep the files acyclic. */
export interface MapMerger {
  mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: PatchSchema): JsonObject;
  /** A patch value taken as a whole: directives processed, nulls dropped. */
  newValue(patch: unknown, schema: PatchSchema): unknown;
}

export type ElementKind = "map" | "scalar" | "none";

export const DIRECTIVE = "$patch";

/** The kind all elements share; lists of lists and mixed lists are refused, as strategicpatch does. */
export function sliceElementKind(...lists: unknown[][]): ElementKind {
  let kind: ElementKind = "none";
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) throw errNoListOfLists();
      const k: ElementKind = isObject(v) ? "map" : "scalar";
      if (kind !== "none" && kind !== k) {
        throw new SmpError(`list element types are not identical: ${JSON.stringify(lists)}`);
      }
      kind = k;
    }
  }
  return kind;
}

/**
 * Merges `patch` into `original` for a list field with patch strategy merge (or for a
 * `$deleteFromPrimitiveList` list when `deleteList`).
 */
export function mergeSlice(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  field: string,
  deleteList: boolean,
  m: MapMerger,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  const mergeKey = schema.patchMergeKey ?? "";
  let merged: unknown[];
  let orderedPatch = patch;
  let serverOrder = original;
  if (kind !== "map") {
    if (deleteList) return original.filter((v) => !patch.some((p) => deepEqual(p, v)));
    merged = dedupe([...original, ...patch]);
  } else {
    if (mergeKey === "") throw new SmpError(`cannot merge lists without merge key for ${field}`);
    const special = applySpecialElements(
      original as JsonObject[],
      patch as JsonObject[],
      mergeKey,
      m,
      itemSchema(schema),
    );
    serverOrder = special.original;
    orderedPatch = special.patch;
    merged = mergeByKey(special.original, special.patch, mergeKey, itemSchema(schema), m);
  }
  const { inList, others } = partition(merged, orderedPatch, kind === "map" ? mergeKey : "");
  return normalizeElementOrder(inList, others, orderedPatch, serverOrder, kind === "map" ? mergeKey : "");
}

/** Applies `$patch: delete|replace` elements; returns what remains to merge. */
function applySpecialElements(
  original: JsonObject[],
  patch: JsonObject[],
  mergeKey: string,
  m: MapMerger,
  schema: PatchSchema,
): { original: JsonObject[]; patch: JsonObject[] } {
  const plain: JsonObject[] = [];
  let replace = false;
  let out = original;
  for (const item of patch) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    switch (item[DIRECTIVE]) {
      case "delete":
        if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
        out = out.filter((o) => !deepEqual(o[mergeKey], item[mergeKey]));
        break;
      case "replace":
        replace = true;
        break;
      case "merge":
        throw new SmpError("merging lists cannot yet be specified in the patch");
      default:
        throw errBadPatchType(item[DIRECTIVE], item);
    }
  }
  if (replace) return { original: plain.map((p) => m.newValue(p, schema) as JsonObject), patch: [] };
  return { original: out, patch: plain };
}

function mergeByKey(
  original: JsonObject[],
  patch: JsonObject[],
  mergeKey: string,
  schema: PatchSchema,
  m: MapMerger,
): JsonObject[] {
  const out = [...original];
  for (const item of patch) {
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const i = out.findIndex((o) => isObject(o) && deepEqual(o[mergeKey], item[mergeKey]));
    if (i >= 0) out[i] = m.mergeMap(out[i], item, schema);
    else out.push(m.newValue(item, schema) as JsonObject);
  }
  return out;
}

function dedupe(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

/** Position of `item` in `list`, by merge key for maps, by value for primitives; -1 when absent. */
function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  if (mergeKey === "") return list.findIndex((v) => deepEqual(v, item));
  if (!isObject(item)) return -1;
  return list.findIndex((v) => isObject(v) && deepEqual(v[mergeKey], item[mergeKey]));
}

/** Splits `merged` into the elements `list` mentions and the others (partition*ByPresentInList). */
export function partition(
  merged: unknown[],
  list: unknown[],
  mergeKey: string,
): { inList: unknown[]; others: unknown[] } {
  if (mergeKey !== "") {
    for (const v of [...merged, ...list]) {
      if (!isObject(v) || !Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    }
  }
  const inList: unknown[] = [];
  const others: unknown[] = [];
  for (const v of merged) (indexIn(list, v, mergeKey) >= 0 ? inList : others).push(v);
  return { inList, others };
}

/**
 * Sorts the patch's elements by `patchOrder` and the server-only ones by `serverOrder`, then
 * interleaves them: a server-only element goes first only when both sit in the live list and
 * it came first there.
 */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
): unknown[] {
  const order =
    mergeKey === "" ? patchOrder : patchOrder.filter((v) => !(isObject(v) && v[DIRECTIVE] === "delete"));
  const right = sortBy(patchItems, order, mergeKey);
  const left = sortBy(serverOnly, serverOrder, mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function sortBy(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const pos = (v: unknown) => {
    const i = indexIn(order, v, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((v, i) => ({ v, i, p: pos(v) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((e) => e.v);
}
