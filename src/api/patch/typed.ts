// How server-side apply sees a value through the schema (structured-merge-diff's typed view):
// a leaf (scalars, null, atomic maps and lists, free-form objects, values of an unexpected
// shape), a granular map (structs and string maps; fields the schema does not know are
// deduced from the value), or a granular list (a set of primitives or a map list with keys).

import { elementKey, pathString, type PathElement } from "./fieldpath.js";
import { isObject, type JsonObject } from "./json.js";
import { fieldSchema, itemSchema, ssaListType, type PatchSchema } from "./schema.js";

export type Node =
  | { kind: "leaf" }
  | { kind: "map"; value: JsonObject }
  | { kind: "list"; value: unknown[]; elements: PathElement[] };

const LEAF: Node = { kind: "leaf" };

/** Key fields the OpenAPI of the built-in kinds defaults when an item omits them. */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: "TCP" };

export function resolve(schema: PatchSchema, value: unknown): Node {
  if (value === null || value === undefined) return LEAF;
  if (isObject(value)) {
    if (schema.mapType === "atomic" || schema.scalar !== undefined || schema.items !== undefined) return LEAF;
    return { kind: "map", value };
  }
  if (Array.isArray(value)) {
    if (schema.items === undefined && schema.listType === undefined) return LEAF; // deduced lists are atomic
    const elements = listElements(schema, value);
    return elements ? { kind: "list", value, elements } : LEAF;
  }
  return LEAF;
}

/**
 * The path element of each item; undefined (the list is then handled as a leaf) when the items
 * do not fit the list type or two items share a key.
 */
function listElements(schema: PatchSchema, list: unknown[]): PathElement[] | undefined {
  const r = indexList(schema, list);
  return "elements" in r ? r.elements : undefined;
}

type Indexed = { elements: PathElement[] } | { problem: string } | { atomic: true };

function indexList(schema: PatchSchema, list: unknown[]): Indexed {
  const t = ssaListType(schema);
  if (t.type === "atomic") return { atomic: true };
  const out: PathElement[] = [];
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    let e: PathElement;
    if (t.type === "set") {
      if (typeof item === "object" && item !== null)
        return { problem: `element ${i}: expected a scalar in a set` };
      e = { value: item };
    } else {
      if (!isObject(item)) return { problem: `element ${i}: expected a map in an associative list` };
      const key: [string, unknown][] = [];
      for (const k of [...t.keys].sort()) {
        const v = Object.hasOwn(item, k) ? item[k] : KEY_DEFAULTS[k];
        if (v === undefined) {
          return {
            problem: `element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
          };
        }
        key.push([k, v]);
      }
      e = { key };
    }
    const id = elementKey(e);
    if (seen.has(id)) return { problem: `duplicate entries for key ${pathString([e])}` };
    seen.add(id);
    out.push(e);
  }
  return { elements: out };
}

/**
 * What structured-merge-diff refuses in an applied configuration: map-list items without their
 * keys, duplicate keys, items of the wrong shape. Each as `<list path>: <problem>`.
 */
export function appliedProblems(value: unknown, schema: PatchSchema): string[] {
  const out: string[] = [];
  const walk = (v: unknown, s: PatchSchema, path: PathElement[]) => {
    if (Array.isArray(v)) {
      if (s.items === undefined && s.listType === undefined) return;
      const r = indexList(s, v);
      if ("problem" in r) out.push(`${pathString(path)}: ${r.problem}`);
      if (!("elements" in r)) return;
      v.forEach((item, i) => walk(item, itemSchema(s), [...path, r.elements[i] as PathElement]));
    } else if (resolve(s, v).kind === "map") {
      for (const [k, child] of Object.entries(v as JsonObject))
        walk(child, fieldSchema(s, k), [...path, { field: k }]);
    }
  };
  walk(value, schema, []);
  return out;
}

/** Resolves two values at the same place; a leaf unless both have the same granular shape. */
export function resolvePair(schema: PatchSchema, l: unknown, r: unknown): { l: Node; r: Node } | undefined {
  const nl = l === undefined ? undefined : resolve(schema, l);
  const nr = r === undefined ? undefined : resolve(schema, r);
  if (nl && nr && nl.kind !== nr.kind) return undefined;
  if ((nl ?? nr)?.kind === "leaf") return undefined;
  return { l: nl ?? emptyLike(nr as Node), r: nr ?? emptyLike(nl as Node) };
}

function emptyLike(n: Node): Node {
  return n.kind === "map"
    ? { kind: "map", value: {} }
    : n.kind === "list"
      ? { kind: "list", value: [], elements: [] }
      : LEAF;
}

/** A list item's identity for matching items of two lists. */
export function elementId(e: PathElement): string {
  return elementKey(e);
}

export { itemSchema };
