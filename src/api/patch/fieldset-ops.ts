// Field-set operations over typed values (structured-merge-diff's ToFieldSet, Compare,
// RemoveItems and EnsureNamedFieldsAreMembers), the building blocks of managedFields.

import { FieldSet, child as extend, type Path, type PathElement } from "./fieldpath.js";
import { deepEqual, type JsonObject, setOwn } from "./json.js";
import { fieldSchema, isDeclaredField, itemSchema, type PatchSchema } from "./schema.js";
import { elementId, resolve, resolvePair } from "./typed.js";

/**
 * The fields a value sets: every leaf, every list item, and every map entry whose value is
 * null, an empty map, or which is not a declared field (a map key such as a label).
 */
export function toFieldSet(value: unknown, schema: PatchSchema): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, s: PatchSchema, path: Path) => {
    const n = resolve(s, v);
    if (n.kind === "leaf") {
      if (path.length > 0) set.insert(path);
    } else if (n.kind === "map") {
      for (const [k, child] of Object.entries(n.value)) {
        if (child === undefined) continue;
        const cp = extend(path, { field: k });
        walk(child, fieldSchema(s, k), cp);
        const emptyMap =
          typeof child === "object" &&
          child !== null &&
          !Array.isArray(child) &&
          Object.keys(child).length === 0;
        if (child === null || emptyMap || !isDeclaredField(s, k)) set.insert(cp);
      }
    } else {
      n.value.forEach((item, i) => {
        const cp = extend(path, n.elements[i] as PathElement);
        walk(item, itemSchema(s), cp);
        set.insert(cp);
      });
    }
  };
  walk(value, schema, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs`: leaves added/changed/removed, and granular nodes added or removed. */
export function compare(lhs: unknown, rhs: unknown, schema: PatchSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: unknown, r: unknown, s: PatchSchema, path: Path) => {
    const pair = resolvePair(s, l, r);
    if (!pair) {
      if (path.length === 0) return;
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
      else if (!deepEqual(l, r)) c.modified.insert(path);
      return;
    }
    if (pair.l.kind === "map" && pair.r.kind === "map") {
      const lv = pair.l.value;
      const rv = pair.r.value;
      for (const k of new Set([...Object.keys(lv), ...Object.keys(rv)])) {
        walk(lv[k], rv[k], fieldSchema(s, k), extend(path, { field: k }));
      }
    } else if (pair.l.kind === "list" && pair.r.kind === "list") {
      const items = new Map<string, { e: PathElement; l?: unknown; r?: unknown }>();
      pair.l.elements.forEach((e, i) =>
        items.set(elementId(e), { e, l: (pair.l as { value: unknown[] }).value[i] }),
      );
      pair.r.elements.forEach((e, i) => {
        const at = items.get(elementId(e)) ?? { e };
        at.r = (pair.r as { value: unknown[] }).value[i];
        items.set(elementId(e), at);
      });
      for (const { e, l: li, r: ri } of items.values()) walk(li, ri, itemSchema(s), extend(path, e));
    }
    if (path.length > 0) {
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
    }
  };
  walk(lhs, rhs, schema, []);
  return c;
}

/** `value` without the map entries and list items whose paths are in `set` (with all below them). */
export function removeItems(value: unknown, set: FieldSet, schema: PatchSchema): unknown {
  const walk = (v: unknown, s: PatchSchema, path: Path): unknown => {
    const n = resolve(s, v);
    if (n.kind === "map") {
      const out: JsonObject = {};
      for (const [k, child] of Object.entries(n.value)) {
        const cp = extend(path, { field: k });
        if (set.has(cp)) continue;
        setOwn(out, k, set.hasBelow(cp) ? walk(child, fieldSchema(s, k), cp) : child);
      }
      return out;
    }
    if (n.kind === "list") {
      const out: unknown[] = [];
      n.value.forEach((item, i) => {
        const cp = extend(path, n.elements[i] as PathElement);
        if (set.has(cp)) return;
        out.push(set.hasBelow(cp) ? walk(item, itemSchema(s), cp) : item);
      });
      return out;
    }
    return v;
  };
  return walk(value, schema, []);
}

/** Adds, for every path, each ancestor that is a declared (struct) field, so removing it drops the whole field. */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: PatchSchema): FieldSet {
  const out = new FieldSet(set.paths());
  for (const p of set.paths()) {
    let s: PatchSchema = schema;
    for (let i = 0; i < p.length - 1; i++) {
      const e = p[i] as PathElement;
      if ("field" in e) {
        if (isDeclaredField(s, e.field)) out.insert(p.slice(0, i + 1));
        s = fieldSchema(s, e.field);
      } else {
        s = itemSchema(s);
      }
    }
  }
  return out;
}

/** Paths under any of `roots` (e.g. `.status`), for fields a write ignores. */
export function pathsUnder(set: FieldSet, roots: Path[]): FieldSet {
  return set.difference(set.without(roots));
}
