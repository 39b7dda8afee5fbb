// ResourceDef: everything the API server knows about one served resource (docs/api.md), and
// `defineResource`, which builds one from a compact spec: the kind's schema yields the patch
// schema and strict field validation; the rest defaults to what most kinds do.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { ObjectNode } from "./schema.js";
import { toPatchSchema, typeErrors, unknownFieldPaths } from "./schema-derive.js";
import { nameColumn, ageColumn, ageCell } from "./table.js";

export interface PatchSchema {
  fields?: Record<string, PatchSchema>;
  additional?: PatchSchema;
  items?: PatchSchema;
  patchStrategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  patchMergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: string[];
  mapType?: "atomic" | "granular";
  scalar?: "string" | "integer" | "number" | "boolean" | "int-or-string" | "quantity" | "object";
}

export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  resource: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  storageVersion: string;
  /** The group whose key space holds the objects ("" for events.k8s.io Events: stored as core Events). */
  storageGroup: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
  subresources: { status: boolean; scale?: ScaleSubresource };
  setDefaults(obj: KubeObject): void;
  validate(obj: KubeObject, old?: KubeObject): StatusCause[];
  patchSchema: PatchSchema;
  table: { columns: TableColumn[]; cells(obj: KubeObject, now: Date): unknown[] };
  fieldSelectors: Record<string, (obj: KubeObject) => string | undefined>;
  hasGeneration: boolean;
  unknownFields(obj: KubeObject): string[];
  /** The kind's schema (OpenAPI, kubectl explain). Not part of the contract's minimum. */
  schema: ObjectNode;
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export interface ResourceSpec {
  group: string;
  version: string;
  kind: string;
  resource: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  verbs?: string[];
  storageVersion?: string;
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
  status?: boolean;
  scale?: ScaleSubresource;
  setDefaults?(obj: KubeObject): void;
  validate?(obj: KubeObject, old?: KubeObject): StatusCause[];
  schema: ObjectNode;
  /** Columns between Name and Age, plus wide columns (priority 1) after Age. */
  columns?: TableColumn[];
  cells?(obj: KubeObject, now: Date): unknown[];
  /** How many of the kind's narrow columns come before Age (default all; Node: Status, Roles). */
  ageAt?: number;
  /** Replaces the whole table (kinds whose Age column is not the last narrow one, e.g. events). */
  table?: ResourceDef["table"];
  fieldSelectors?: ResourceDef["fieldSelectors"];
  hasGeneration?: boolean;
}

export function defineResource(s: ResourceSpec): ResourceDef {
  const patchSchema = toPatchSchema(s.schema);
  // Objects whose JSON types do not fit the schema are neither defaulted nor handed to the
  // kind's checks (which rely on the types); validate reports the type errors instead.
  const mistyped = new WeakMap<KubeObject, StatusCause[]>();
  const kindDefaults = s.setDefaults ?? (() => {});
  const kindValidate = s.validate ?? (() => []);
  return {
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    namespaced: s.namespaced,
    verbs: s.verbs ?? ALL_VERBS,
    storageVersion: s.storageVersion ?? s.version,
    storageGroup: s.group,
    toStorage: s.toStorage ?? ((o) => o),
    fromStorage: s.fromStorage ?? ((o) => o),
    subresources: { status: s.status ?? false, ...(s.scale && { scale: s.scale }) },
    setDefaults(obj) {
      const errs = typeErrors(s.schema, obj);
      if (errs.length > 0) mistyped.set(obj, errs);
      else kindDefaults(obj);
    },
    validate(obj, old) {
      const stashed = mistyped.get(obj);
      mistyped.delete(obj);
      const errs = stashed ?? typeErrors(s.schema, obj);
      return errs.length > 0 ? errs : kindValidate(obj, old);
    },
    patchSchema,
    table: s.table ?? standardTable(s.columns ?? [], s.cells, s.ageAt),
    fieldSelectors: s.fieldSelectors ?? {},
    hasGeneration: s.hasGeneration ?? false,
    unknownFields: (obj) => unknownFieldPaths(s.schema, obj),
    schema: s.schema,
  };
}

/**
 * Name, the kind's own narrow columns, Age, then its wide columns: the layout of nearly every
 * printer in Kubernetes. `cells` answers the kind's columns (narrow then wide) in order.
 */
function standardTable(
  columns: TableColumn[],
  cells: ((obj: KubeObject, now: Date) => unknown[]) | undefined,
  ageAt?: number,
): ResourceDef["table"] {
  const narrow = columns.filter((c) => (c.priority ?? 0) === 0);
  const wide = columns.filter((c) => (c.priority ?? 0) > 0);
  const at = ageAt ?? narrow.length;
  return {
    columns: [nameColumn, ...narrow.slice(0, at), ageColumn, ...narrow.slice(at), ...wide],
    cells(obj, now) {
      const own = cells ? cells(obj, now) : [];
      return [obj.metadata.name ?? "", ...own.slice(0, at), ageCell(obj, now), ...own.slice(at)];
    },
  };
}
