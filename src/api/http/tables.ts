// Server-side Tables (kubectl-wire §6): `kubectl get` prints what the server renders. Columns and
// cells come from ResourceDef.table; each row carries the object's metadata (as
// PartialObjectMetadata, by default) so kubectl can show NAMESPACE, labels and `kind/name`.
import { badRequest } from "../errors.js";
import type { KubeObject, ListMeta } from "../types.js";
import type { HttpResourceDef } from "./deps.js";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: ListMeta;
  columnDefinitions: { name: string; type: string; format: string; description: string; priority: number }[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  if (v === null || v === "") return "Metadata";
  if (v === "None" || v === "Metadata" || v === "Object") return v;
  throw badRequest(
    `includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`,
  );
}

/** An object reduced to its metadata, as Kubernetes' metadata-only representation. */
export function partialObjectMetadata(obj: KubeObject): KubeObject {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return partialObjectMetadata(obj);
}

export function toTable(
  def: HttpResourceDef,
  objects: readonly KubeObject[],
  o: { metadata: ListMeta; include: IncludeObject; now: Date; columns?: boolean },
): Table {
  const columnDefinitions =
    o.columns === false
      ? []
      : def.table.columns.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? "",
          description: c.description ?? "",
          priority: c.priority ?? 0,
        }));
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: o.metadata,
    columnDefinitions,
    rows: objects.map((obj) => {
      const object = rowObject(obj, o.include);
      return { cells: def.table.cells(obj, o.now), ...(object !== undefined && { object }) };
    }),
  };
}
