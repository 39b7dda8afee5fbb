// Accept negotiation (kubectl-wire §3.1): JSON by default; a server-side Table when the client
// asks `as=Table;g=meta.k8s.io`; aggregated discovery when it asks `as=APIGroupDiscoveryList`.
// Protobuf is never answered: clients that offer it also offer JSON.

export const CONTENT_JSON = "application/json";
export const CONTENT_TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
/** kubectl reads aggregated discovery only with exactly this content type (kubectl-wire §0.9). */
export const CONTENT_AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** `metadata`: PartialObjectMetadata(List), what client-go's metadata informers ask for. */
export type Representation = "json" | "table" | "metadata" | "aggregated-discovery";

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === "") return [{ type: "*/*", params: {}, q: 1 }];
  const ranges: MediaRange[] = [];
  for (const item of header.split(",")) {
    const [type = "", ...rest] = item.split(";").map((s) => s.trim());
    if (type === "") continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, "");
      if (key === "q") q = Number(value);
      else params[key] = value;
    }
    ranges.push({ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  // Stable: equal q keeps the client's order, which is its preference.
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

function isJsonish(type: string): boolean {
  return type === "application/json" || type === "application/*" || type === "*/*";
}

/**
 * The representation to answer: the first range we can produce. `discovery` says whether
 * aggregated discovery is possible here (only /api and /apis); `undefined` means nothing the
 * client accepts can be produced (406).
 */
export function negotiate(
  accept: string | undefined,
  o: { discovery?: boolean } = {},
): Representation | undefined {
  for (const range of parseAccept(accept)) {
    if (!isJsonish(range.type)) continue;
    const as = range.params.as;
    if (as === undefined) return "json";
    if (
      as === "Table" &&
      range.params.g === "meta.k8s.io" &&
      (range.params.v === "v1" || range.params.v === "v1beta1")
    ) {
      return "table";
    }
    if (
      (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") &&
      range.params.g === "meta.k8s.io" &&
      (range.params.v === "v1" || range.params.v === "v1beta1")
    ) {
      return "metadata";
    }
    if (
      o.discovery &&
      as === "APIGroupDiscoveryList" &&
      range.params.g === "apidiscovery.k8s.io" &&
      range.params.v === "v2"
    ) {
      return "aggregated-discovery";
    }
  }
  return undefined;
}
