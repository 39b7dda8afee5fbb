// Kubernetes strategic merge patch (apimachinery strategicpatch, applied with MergeParallelList
// and IgnoreUnmatchedNulls as the API server does): maps merge and null deletes a key; lists
// with patchStrategy merge merge element-wise (strategic-lists.ts), other lists are replaced;
// directives `$patch` (replace|delete|merge), `$retainKeys`, `$setElementOrder/<list>` and
// `$deleteFromPrimitiveList/<list>`. Fields the schema does not know merge like a merge patch.

import { badRequest } from "../errors.js";
import { clone, goJsonType, isObject, type JsonObject, setOwn } from "./json.js";
import { fieldSchema, itemSchema, smpStrategy, type PatchSchema } from "./schema.js";
import {
  SmpError,
  errBadArgType,
  errBadPatchFormatForRetainKeys,
  errBadPatchType,
  errSetElementOrderMismatch,
} from "./strategic-errors.js";
import {
  DIRECTIVE,
  mergeSlice,
  normalizeElementOrder,
  partition,
  sliceElementKind,
  type MapMerger,
} from "./strategic-lists.js";

const RETAIN_KEYS = "$retainKeys";
const SET_ELEMENT_ORDER = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

/** Applies a strategic merge patch to a copy of `doc`; ApiError 400/422 for a bad patch. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: PatchSchema): unknown {
  if (!isObject(patch)) {
    throw badRequest(
      `json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`,
    );
  }
  try {
    return mergeMap(isObject(doc) ? clone(doc) : {}, clone(patch), schema);
  } catch (e) {
    if (e instanceof SmpError) throw e.toApiError();
    throw e;
  }
}

const merger: MapMerger = { mergeMap, newValue };

/** Merges `patch` into `original` (both owned by the caller: mutated and returned). */
function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: PatchSchema): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === "replace") return mergeMap({}, patch, schema);
    if (directive === "delete") return {};
    // `merge` is the default: accepted and ignored.
    if (directive !== "merge") throw errBadPatchType(directive, { ...patch, [DIRECTIVE]: directive });
  }
  const out = original ?? {};
  applyRetainKeys(out, patch);
  mergeOrderedLists(out, patch, schema);

  for (const [rawKey, patchValue] of Object.entries(patch)) {
    if (rawKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const deleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = deleteList ? rawKey.slice(DELETE_FROM_PRIMITIVE_LIST.length) : rawKey;
    const sub = fieldSchema(schema, key);

    if (patchValue === null) {
      delete out[key];
      continue;
    }
    if (!Object.hasOwn(out, key)) {
      if (!deleteList) setOwn(out, key, newValue(patchValue, sub));
      continue;
    }
    const current = out[key];
    if (shape(current) !== shape(patchValue)) {
      if (!deleteList) setOwn(out, key, newValue(patchValue, sub));
      continue;
    }
    if (isObject(current) && isObject(patchValue)) {
      setOwn(out, key, mergeMap(smpStrategy(sub) === "replace" ? undefined : current, patchValue, sub));
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      setOwn(out, key, mergeList(current, patchValue, sub, key, deleteList));
    } else {
      setOwn(out, key, patchValue);
    }
  }
  return out;
}

function shape(v: unknown): "map" | "list" | "null" | "scalar" {
  return Array.isArray(v) ? "list" : isObject(v) ? "map" : v === null ? "null" : "scalar";
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  field: string,
  deleteList: boolean,
): unknown[] {
  if (deleteList || smpStrategy(schema) === "merge")
    return mergeSlice(original, patch, schema, field, deleteList, merger);
  return newValue(patch, schema) as unknown[];
}

/**
 * A patch value that replaces (or adds) a field as a whole. The Go server drops nulls from it
 * and its types never see leftover directives; here the value is merged into nothing, which
 * does both.
 */
function newValue(patch: unknown, schema: PatchSchema): unknown {
  if (isObject(patch)) return mergeMap({}, patch, schema);
  if (Array.isArray(patch)) {
    if (smpStrategy(schema) === "merge") return mergeSlice([], patch, schema, "", false, merger);
    return patch.map((item) => (isObject(item) ? mergeMap({}, item, itemSchema(schema)) : item));
  }
  return patch;
}

/** `$retainKeys`: after the merge only the listed keys may remain; the patch may set no other key. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set(retain.map(String));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<list>`: merges that list (when the patch has it) and orders the result:
 * the directive's order first, elements only on the server kept in their relative place.
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const [directiveKey, order] of Object.entries(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const key = directiveKey.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order)) throw errBadArgType("list", order);
    const inOriginal = Object.hasOwn(original, key);
    const inPatch = Object.hasOwn(patch, key);
    const originalList = inOriginal ? original[key] : [];
    const patchList = inPatch ? patch[key] : [];
    if (!Array.isArray(originalList)) throw errBadArgType("list", originalList);
    if (!Array.isArray(patchList)) throw errBadArgType("list", patchList);
    const sub = fieldSchema(schema, key);
    const mergeKey = sub.patchMergeKey ?? "";
    validateOrder(patchList, order, mergeKey);

    let merged: unknown[];
    if (inOriginal && !inPatch) merged = originalList;
    else if (!inOriginal && inPatch) merged = newValue(patchList, sub) as unknown[];
    else if (inOriginal && inPatch) merged = mergeList(originalList, patchList, sub, key, false);
    else continue;

    const kind = sliceElementKind(originalList, patchList);
    const byKey = kind === "map" ? mergeKey : "";
    if (merged.length > 0) {
      const { inList, others } = partition(merged, order, byKey);
      merged = normalizeElementOrder(inList, others, order, originalList, byKey);
    }
    setOwn(original, key, merged);
    delete patch[key];
  }
}

/** Every (non-directive) element of the patch list must appear in the order list, in the same order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((v) => !(isObject(v) && Object.hasOwn(v, DIRECTIVE)));
  const same = (a: unknown, b: unknown) =>
    mergeKey === ""
      ? JSON.stringify(a) === JSON.stringify(b)
      : isObject(a) && isObject(b) && JSON.stringify(a[mergeKey]) === JSON.stringify(b[mergeKey]);
  let p = 0;
  for (let o = 0; o < order.length && p < items.length; o++) if (same(items[p], order[o])) p++;
  if (p < items.length) throw errSetElementOrderMismatch(patchList, order);
}
