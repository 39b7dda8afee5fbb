// Stable short hashes of templates for revision labels (k8s ComputeHash): FNV-1a 32 over the
// canonical JSON (sorted keys), rendered with k8s' SafeEncodeString alphabet.

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(s, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** k8s rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
export function safeEncode(s: string): string {
  let out = "";
  for (const ch of s) out += ALPHANUMS[(ch.codePointAt(0) ?? 0) % ALPHANUMS.length];
  return out;
}

/** The hash label value of `template` (with an optional collision count). */
export function templateHash(template: unknown, collisionCount?: number): string {
  const payload = canonicalJson(template) + (collisionCount ? String(collisionCount) : "");
  return safeEncode(String(fnv32a(payload)));
}
