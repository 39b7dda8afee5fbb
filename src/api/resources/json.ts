// Small readers for objects whose shape is not trusted (request bodies): no casts at call sites.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object at `o[key]`, created (and attached) when absent or not an object. */
export function child(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  o[key] = fresh;
  return fresh;
}

/** The object at `o[key]` when it is one. */
export function objAt(o: unknown, key: string): JsonObject | undefined {
  if (!isObject(o)) return undefined;
  const v = o[key];
  return isObject(v) ? v : undefined;
}

/** The objects of the list at `o[key]` (non-objects skipped but indices kept via `forEach`). */
export function listAt(o: unknown, key: string): unknown[] {
  if (!isObject(o)) return [];
  const v = o[key];
  return Array.isArray(v) ? v : [];
}

export function strAt(o: unknown, key: string): string | undefined {
  if (!isObject(o)) return undefined;
  const v = o[key];
  return typeof v === "string" ? v : undefined;
}

export function numAt(o: unknown, key: string): number | undefined {
  if (!isObject(o)) return undefined;
  const v = o[key];
  return typeof v === "number" ? v : undefined;
}

/** Sets `o[key]` to `value` when it is absent (undefined or null). */
export function setDefault(o: JsonObject, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}
