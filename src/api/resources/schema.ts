// A compact description of a kind's fields. Every per-kind fact that has to agree between
// strategic merge patch, server-side apply, strict field validation and the OpenAPI document
// (kubectl explain) is written once here and derived from (schema-derive.ts, openapi.ts).

export type ScalarType = "string" | "integer" | "number" | "boolean" | "int-or-string" | "quantity";

interface Described {
  /** One short sentence for `kubectl explain`. */
  d?: string;
  /** The named type's own description when `d` was replaced by a field's (see desc). */
  typeD?: string;
}

export interface ScalarNode extends Described {
  node: "scalar";
  type: ScalarType;
  format?: string;
  enum?: string[];
}

export interface ObjectNode extends Described {
  node: "object";
  /** Named types become OpenAPI components (`io.k8s.api.core.v1.Container`); anonymous are inlined. */
  name?: string;
  fields: Record<string, Node>;
  required?: string[];
  /** `atomic` structs (LabelSelector, ObjectReference ...) are owned as a whole by SSA. */
  mapType?: "atomic" | "granular";
  /** SMP `$retainKeys` on this struct field (Deployment `spec.strategy`). */
  strategy?: "retainKeys";
  /** Top-level kinds carry their group-version-kind into OpenAPI (x-kubernetes-group-version-kind). */
  gvk?: { group: string; version: string; kind: string }[];
}

export interface MapNode extends Described {
  node: "map";
  values: Node;
  mapType?: "atomic" | "granular";
}

export interface ListNode extends Described {
  node: "list";
  items: Node;
  strategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  mergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: string[];
}

/** Arbitrary JSON the server keeps as it is (RawExtension, managedFields' fieldsV1). */
export interface FreeNode extends Described {
  node: "free";
}

export type Node = ScalarNode | ObjectNode | MapNode | ListNode | FreeNode;

export const str = (d?: string, o: { format?: string; enum?: string[] } = {}): ScalarNode => ({
  node: "scalar",
  type: "string",
  ...o,
  ...(d !== undefined && { d }),
});
export const int = (d?: string, format = "int32"): ScalarNode => ({
  node: "scalar",
  type: "integer",
  format,
  ...(d !== undefined && { d }),
});
export const int64 = (d?: string): ScalarNode => int(d, "int64");
export const num = (d?: string): ScalarNode => ({ node: "scalar", type: "number", format: "double", d });
export const bool = (d?: string): ScalarNode => ({ node: "scalar", type: "boolean", d });
export const intOrStr = (d?: string): ScalarNode => ({ node: "scalar", type: "int-or-string", d });
export const quantity = (d?: string): ScalarNode => ({ node: "scalar", type: "quantity", d });
/** RFC 3339 timestamps (metav1.Time). */
export const time = (d?: string): ScalarNode => str(d, { format: "date-time" });
export const bytes = (d?: string): ScalarNode => str(d, { format: "byte" });
export const free = (d?: string): FreeNode => ({ node: "free", d });

export const strMap = (d?: string): MapNode => ({ node: "map", values: str(), d });
export const map = (values: Node, d?: string): MapNode => ({ node: "map", values, d });

export function obj(
  fields: Record<string, Node>,
  o: {
    name?: string;
    d?: string;
    required?: string[];
    mapType?: "atomic" | "granular";
    strategy?: "retainKeys";
  } = {},
): ObjectNode {
  return { node: "object", fields, ...o };
}

/** A list replaced as a whole by SMP and owned as a whole by SSA. */
export const atomicList = (items: Node, d?: string): ListNode => ({
  node: "list",
  items,
  listType: "atomic",
  d,
});

/** A list of scalars treated as a set (finalizers): SMP merges, SSA owns each value. */
export const setList = (items: Node, d?: string, o: { smpMerge?: boolean } = {}): ListNode => ({
  node: "list",
  items,
  listType: "set",
  ...(o.smpMerge && { strategy: "merge" }),
  d,
});

/**
 * A list of objects keyed by `key`: SMP merges by `mergeKey` (default the first key), SSA by
 * all `keys`. `strategy` is "merge" unless told otherwise (volumes: "merge,retainKeys").
 */
export function keyedList(
  items: Node,
  keys: string[],
  o: { d?: string; mergeKey?: string | null; strategy?: ListNode["strategy"] } = {},
): ListNode {
  const mergeKey = o.mergeKey === null ? undefined : (o.mergeKey ?? keys[0]);
  return {
    node: "list",
    items,
    listType: "map",
    listMapKeys: keys,
    ...(mergeKey !== undefined && { mergeKey, strategy: o.strategy ?? "merge" }),
    d: o.d,
  };
}

/** The same node with another description (a named type used by a field that explains it). */
export function desc<T extends Node>(n: T, d: string): T {
  return { ...n, d, typeD: n.typeD ?? n.d };
}
