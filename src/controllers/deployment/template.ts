// Pod template identity: the pod-template-hash that names a Deployment's ReplicaSets, and the
// equality (ignoring that hash, key order and null fields) that finds the new ReplicaSet.
import { isObject, type JsonObject } from "../../api/resources/json.js";

export const POD_TEMPLATE_HASH = "pod-template-hash";

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no 0/1/3, so no words and no look-alikes. */
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** JSON with sorted keys, null/undefined members dropped: one spelling per template. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(",")}]`;
  if (isObject(v)) {
    const parts = Object.keys(v)
      .filter((k) => v[k] !== undefined && v[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** 32-bit FNV-1a over bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** Each character of `s` mapped into the safe alphabet, as rand.SafeEncodeString does. */
export function safeEncode(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE[ch.charCodeAt(0) % SAFE.length];
  return out;
}

/** The template without the pod-template-hash label (a copy; the input is not touched). */
export function withoutHash(template: JsonObject): JsonObject {
  const meta = isObject(template.metadata) ? template.metadata : undefined;
  const labels = meta && isObject(meta.labels) ? meta.labels : undefined;
  if (!labels || !(POD_TEMPLATE_HASH in labels)) return template;
  const { [POD_TEMPLATE_HASH]: _hash, ...rest } = labels;
  return { ...template, metadata: { ...meta, labels: rest } };
}

/**
 * The pod-template-hash of a template: FNV-32a of its canonical JSON (the hash label itself left
 * out) followed by the collision count as 4 little-endian bytes, written as the safe-encoded
 * decimal of the sum — the shape of Kubernetes' hashes (`7c5ddbdf54`).
 */
export function computeHash(template: JsonObject, collisionCount?: number): string {
  const bytes = new TextEncoder().encode(canonicalJson(withoutHash(template)));
  let h = fnv32a(bytes);
  if (collisionCount !== undefined) {
    const cc = new Uint8Array(4);
    new DataView(cc.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(cc, h);
  }
  return safeEncode(String(h));
}

/** Null, undefined, empty objects and empty lists removed (Go's nil == empty), keys kept. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => normalize(x) ?? null);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null ? undefined : v;
}

/** Semantic equality of two pod templates ignoring pod-template-hash (EqualIgnoreHash). */
export function templatesEqual(a: JsonObject, b: JsonObject): boolean {
  return canonicalJson(normalize(withoutHash(a)) ?? {}) === canonicalJson(normalize(withoutHash(b)) ?? {});
}
