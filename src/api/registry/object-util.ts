// Small helpers over plain JSON objects: cloning, deep equality, paths, and the stored form.
import type { KubeObject } from "../types.js";
import type { ResourceDef, StoredObject } from "./deps.js";
import { apiVersionOf } from "../types.js";

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The value at a dotted path (`spec.replicas`, leading `.` allowed), or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (!isRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Sets the value at a dotted path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.replace(/^\./, "").split(".");
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (isRecord(next)) cur = next;
    else {
      const created: Record<string, unknown> = {};
      cur[part] = created;
      cur = created;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The apiVersion a def serves. */
export function defApiVersion(def: ResourceDef): string {
  return apiVersionOf(def);
}

/** The bytes stored for an object: its storage version, without resourceVersion. */
export function encodeStored(def: ResourceDef, obj: KubeObject): Buffer {
  const stored = def.toStorage(obj);
  const { resourceVersion: _rv, ...metadata } = stored.metadata;
  return Buffer.from(JSON.stringify({ ...stored, metadata }));
}

/** The stored object parsed (storage version) with its resourceVersion, not yet converted. */
export function parseStored(value: Buffer, modRevision: number): KubeObject {
  const obj = JSON.parse(value.toString("utf8")) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(modRevision) };
  return obj;
}

/** A stored object as the def's version serves it, with apiVersion and kind set. */
export function fromStored(
  def: ResourceDef,
  stored: Pick<StoredObject, "value" | "modRevision">,
): KubeObject {
  return served(def, parseStored(stored.value, stored.modRevision));
}

/** A storage-version object converted for `def`, apiVersion and kind set. */
export function served(def: ResourceDef, storageForm: KubeObject): KubeObject {
  const obj = def.fromStorage(storageForm);
  obj.apiVersion = defApiVersion(def);
  obj.kind = def.kind;
  return obj;
}
