// What the schema of schema.ts yields for the patch machinery and for strict field validation.

import type { StatusCause } from "../errors.js";
import type { PatchSchema } from "./def.js";
import type { Node, ScalarType } from "./schema.js";

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

/** The JSON type name of a value, as OpenAPI validation words it. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function scalarFits(type: ScalarType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "int-or-string":
      return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
    case "quantity":
      return typeof v === "string" || typeof v === "number";
  }
}

const expected: Record<ScalarType, string> = {
  string: "string",
  integer: "integer",
  number: "number",
  boolean: "boolean",
  "int-or-string": "integer or string",
  quantity: "string or number",
};

/**
 * Values whose JSON type the kind's Go types could not hold (a number where a label value
 * must be a string, an object where a list belongs), as FieldValueTypeInvalid causes worded as
 * the server's OpenAPI validation words them. null counts as absent.
 */
export function typeErrors(n: Node, value: unknown, path = ""): StatusCause[] {
  const out: StatusCause[] = [];
  checkTypes(n, value, path, out);
  return out;
}

function typeCause(path: string, value: unknown, want: string): StatusCause {
  const field = path.replace(/^\./, "");
  const got = jsonType(value);
  return {
    reason: "FieldValueTypeInvalid",
    field,
    message: `Invalid value: "${got}": ${field} in body must be of type ${want}: "${got}"`,
  };
}

function checkTypes(n: Node, value: unknown, path: string, out: StatusCause[]): void {
  if (value === null || value === undefined) return;
  switch (n.node) {
    case "free":
      return;
    case "scalar":
      if (!scalarFits(n.type, value)) out.push(typeCause(path, value, expected[n.type]));
      return;
    case "object":
      if (!isPlainObject(value)) return void out.push(typeCause(path, value, "object"));
      for (const [k, v] of Object.entries(value)) {
        const f = n.fields[k];
        if (f !== undefined) checkTypes(f, v, `${path}.${k}`, out);
      }
      return;
    case "map":
      if (!isPlainObject(value)) return void out.push(typeCause(path, value, "object"));
      for (const [k, v] of Object.entries(value)) checkTypes(n.values, v, `${path}[${k}]`, out);
      return;
    case "list":
      if (!Array.isArray(value)) return void out.push(typeCause(path, value, "array"));
      value.forEach((v, i) => checkTypes(n.items, v, `${path}[${i}]`, out));
      return;
  }
}
