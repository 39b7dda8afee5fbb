// What the schema of schema.ts yields for the patch machinery and for strict field validation.

import type { PatchSchema } from "./def.js";
import type { Node } from "./schema.js";

const patchSchemas = new WeakMap<Node, PatchSchema>();

/** The strategic-merge / server-side-apply view of a schema node (shared nodes are converted once). */
export function toPatchSchema(n: Node): PatchSchema {
  const known = patchSchemas.get(n);
  if (known) return known;
  const out: PatchSchema = {};
  patchSchemas.set(n, out);
  switch (n.node) {
    case "scalar":
      out.scalar = n.type;
      break;
    case "free":
      out.scalar = "object";
      break;
    case "map":
      out.additional = toPatchSchema(n.values);
      if (n.mapType) out.mapType = n.mapType;
      break;
    case "list":
      out.items = toPatchSchema(n.items);
      if (n.strategy) out.patchStrategy = n.strategy;
      if (n.mergeKey) out.patchMergeKey = n.mergeKey;
      if (n.listType) out.listType = n.listType;
      if (n.listMapKeys) out.listMapKeys = n.listMapKeys;
      break;
    case "object":
      out.fields = {};
      for (const [k, v] of Object.entries(n.fields)) out.fields[k] = toPatchSchema(v);
      if (n.mapType) out.mapType = n.mapType;
      if (n.strategy) out.patchStrategy = n.strategy;
      break;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Paths of fields `value` has that `n` does not know, for fieldValidation=Strict, written as
 * `.spec.template.spec.containers[0].imagee` (map entries as `[key]`). Values of the wrong
 * JSON type are not reported here; validation or decoding reports those.
 */
export function unknownFieldPaths(n: Node, value: unknown, path = ""): string[] {
  const out: string[] = [];
  walk(n, value, path, out);
  return out;
}

function walk(n: Node, value: unknown, path: string, out: string[]): void {
  switch (n.node) {
    case "object":
      if (!isPlainObject(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const f = n.fields[k];
        if (f === undefined) out.push(`${path}.${k}`);
        else walk(f, v, `${path}.${k}`, out);
      }
      return;
    case "map":
      if (!isPlainObject(value)) return;
      for (const [k, v] of Object.entries(value)) walk(n.values, v, `${path}[${k}]`, out);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      value.forEach((v, i) => walk(n.items, v, `${path}[${i}]`, out));
      return;
    default:
      return;
  }
}
