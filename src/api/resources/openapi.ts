// OpenAPI v3 documents per group-version, as kubectl reads them (kubectl-wire §5): every kind's
// paths with a PATCH operation carrying x-kubernetes-group-version-kind and a fieldValidation
// parameter (so kubectl trusts server-side validation), and component schemas with the list
// and patch extensions (kubectl computes strategic merge patches and `explain` from them).

import { createHash } from "node:crypto";
import type { GroupVersion } from "../types.js";
import type { ResourceDef } from "./def.js";
import type { Node, ObjectNode } from "./schema.js";
import { ObjectMeta } from "./schema-meta.js";
import { int, obj, str } from "./schema.js";

type Json = Record<string, unknown>;

const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const SCALE = "io.k8s.api.autoscaling.v1.Scale";

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const ListMeta = obj(
  {
    continue: str(
      "Set if the user set a limit on the number of items returned; the token to retrieve the next set of results.",
    ),
    remainingItemCount: {
      ...int("The number of subsequent items in the list which are not included in this list response."),
      format: "int64",
    },
    resourceVersion: str("The server's internal version of this list, usable in watches."),
    selfLink: str("Deprecated: not set by the system."),
  },
  {
    name: LIST_META,
    d: "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
  },
);

const Scale = obj(
  {
    apiVersion: str("APIVersion defines the versioned schema of this representation of an object."),
    kind: str("Kind is a string value representing the REST resource this object represents."),
    metadata: { ...ObjectMeta, d: "Standard object metadata." },
    spec: obj(
      { replicas: int("The desired number of instances for the scaled object.") },
      { name: "io.k8s.api.autoscaling.v1.ScaleSpec" },
    ),
    status: obj(
      {
        replicas: int("The actual number of observed instances of the scaled object."),
        selector: str("The label query over pods that should match the replicas count, in string form."),
      },
      { name: "io.k8s.api.autoscaling.v1.ScaleStatus", required: ["replicas"] },
    ),
  },
  { name: SCALE, d: "Scale represents a scaling request for a resource." },
);
Scale.gvk = [{ group: "autoscaling", version: "v1", kind: "Scale" }];

/** Builds the component schemas reachable from some kinds. */
class Components {
  readonly schemas: Record<string, Json> = {};

  /** The schema of a field (a $ref for named types) and registers what it refers to. */
  property(n: Node): Json {
    const own: Json = {};
    if (n.d) own.description = n.d;
    switch (n.node) {
      case "scalar":
        if (n.type === "int-or-string") return { ...this.#named(INT_OR_STRING, intOrString), ...own };
        if (n.type === "quantity") return { ...this.#named(QUANTITY, quantitySchema), ...own };
        return {
          type: n.type,
          ...(n.format && { format: n.format }),
          ...(n.enum && { enum: n.enum }),
          ...own,
          ...(n.type === "string" && !n.format && { default: "" }),
        };
      case "free":
        return { type: "object", "x-kubernetes-preserve-unknown-fields": true, ...own };
      case "map":
        return {
          type: "object",
          additionalProperties: this.property(n.values),
          ...own,
          ...(n.mapType && { "x-kubernetes-map-type": n.mapType }),
        };
      case "list":
        return {
          type: "array",
          items: this.property(n.items),
          ...own,
          ...(n.listType && { "x-kubernetes-list-type": n.listType }),
          ...(n.listMapKeys && { "x-kubernetes-list-map-keys": n.listMapKeys }),
          ...(n.mergeKey && { "x-kubernetes-patch-merge-key": n.mergeKey }),
          ...(n.strategy && { "x-kubernetes-patch-strategy": n.strategy }),
        };
      case "object": {
        const strategy = n.strategy ? { "x-kubernetes-patch-strategy": n.strategy } : {};
        if (n.name) {
          this.object(n);
          // The type's own description is printed from the component; a field adds its own only.
          const fieldDesc = n.typeD !== undefined && n.d ? { description: n.d } : {};
          return { allOf: [ref(n.name)], default: {}, ...fieldDesc, ...strategy };
        }
        return { ...this.#objectSchema(n), ...own, ...strategy };
      }
    }
  }

  /** Registers a named object type (and what it uses) as a component. */
  object(n: ObjectNode): void {
    if (!n.name || this.schemas[n.name]) return;
    this.schemas[n.name] = {}; // placeholder: breaks cycles
    const d = n.typeD ?? n.d;
    this.schemas[n.name] = { ...this.#objectSchema(n), ...(d && { description: d }) };
  }

  #objectSchema(n: ObjectNode): Json {
    const properties: Json = {};
    for (const k of Object.keys(n.fields).sort()) properties[k] = this.property(n.fields[k] as Node);
    return {
      type: "object",
      properties,
      ...(n.required?.length && { required: n.required }),
      ...(n.mapType && { "x-kubernetes-map-type": n.mapType }),
      ...(n.gvk && { "x-kubernetes-group-version-kind": n.gvk }),
    };
  }

  #named(name: string, schema: Json): Json {
    this.schemas[name] ??= schema;
    return { allOf: [ref(name)] };
  }
}

const intOrString: Json = {
  description: "IntOrString is a type that can hold an int32 or a string.",
  format: "int-or-string",
  oneOf: [{ type: "integer" }, { type: "string" }],
};
const quantitySchema: Json = {
  description: 'Quantity is a fixed-point representation of a number, e.g. "500m" or "1Gi".',
  oneOf: [{ type: "string" }, { type: "number" }],
};

const queryParam = (name: string, description: string): Json => ({
  name,
  in: "query",
  description,
  schema: { type: "string", uniqueItems: true },
});
const WRITE_PARAMS = [
  queryParam("dryRun", "When present, indicates that modifications should not be persisted."),
  queryParam("fieldManager", "A name associated with the actor or entity that is making these changes."),
  queryParam(
    "fieldValidation",
    "Instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.",
  ),
];
const PATCH_PARAMS = [
  ...WRITE_PARAMS,
  {
    ...queryParam("force", 'Force is going to "force" Apply requests.'),
    schema: { type: "boolean", uniqueItems: true },
  },
];
const PATCH_TYPES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];

function operation(o: {
  action: string;
  verb: string;
  gvk: Json;
  schema: string;
  parameters?: Json[];
  body?: "object" | "patch";
}): Json {
  const content = {
    "application/json": { schema: ref(o.schema) },
    "application/yaml": { schema: ref(o.schema) },
  };
  const body =
    o.body === "patch"
      ? { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: ref(PATCH) }])), required: true }
      : o.body === "object"
        ? { content: { "*/*": { schema: ref(o.schema) } }, required: true }
        : undefined;
  return {
    description: `${o.verb} the specified ${String(o.gvk.kind)}`,
    ...(o.parameters && { parameters: o.parameters }),
    ...(body && { requestBody: body }),
    responses: { "200": { description: "OK", content }, "401": { description: "Unauthorized" } },
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": o.gvk,
  };
}

function prefixOf(gv: GroupVersion): string {
  return gv.group === "" ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
}

function addPaths(paths: Json, def: ResourceDef, schemaName: string): void {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const base = `${prefixOf(def)}${def.namespaced ? "/namespaces/{namespace}" : ""}/${def.resource}`;
  const pathParams: Json[] = [
    ...(def.namespaced
      ? [{ name: "namespace", in: "path", required: true, schema: { type: "string", uniqueItems: true } }]
      : []),
  ];
  const nameParam = {
    name: "name",
    in: "path",
    required: true,
    schema: { type: "string", uniqueItems: true },
  };
  const collection: Json = { parameters: pathParams };
  if (def.verbs.includes("create"))
    collection.post = operation({
      action: "post",
      verb: "create",
      gvk,
      schema: schemaName,
      parameters: WRITE_PARAMS,
      body: "object",
    });
  if (def.verbs.includes("list"))
    collection.get = operation({ action: "list", verb: "list", gvk, schema: `${schemaName}List` });
  paths[base] = collection;
  if (!def.verbs.includes("get")) return;
  const item = (schema: string, kind: Json): Json => ({
    parameters: [nameParam, ...pathParams],
    get: operation({ action: "get", verb: "read", gvk: kind, schema }),
    put: operation({
      action: "put",
      verb: "replace",
      gvk: kind,
      schema,
      parameters: WRITE_PARAMS,
      body: "object",
    }),
    patch: operation({
      action: "patch",
      verb: "partially update",
      gvk: kind,
      schema,
      parameters: PATCH_PARAMS,
      body: "patch",
    }),
  });
  paths[`${base}/{name}`] = {
    ...item(schemaName, gvk),
    delete: operation({
      action: "delete",
      verb: "delete",
      gvk,
      schema: schemaName,
      parameters: [WRITE_PARAMS[0] as Json],
    }),
  };
  if (def.subresources.status) paths[`${base}/{name}/status`] = item(schemaName, gvk);
  if (def.subresources.scale)
    paths[`${base}/{name}/scale`] = item(SCALE, { group: "autoscaling", version: "v1", kind: "Scale" });
}

/** The OpenAPI v3 document of one group-version (undefined when nothing is served there). */
export function openapiV3Document(defs: ResourceDef[], gv: GroupVersion): Json | undefined {
  const mine = defs.filter((d) => d.group === gv.group && d.version === gv.version);
  if (mine.length === 0) return undefined;
  const c = new Components();
  const paths: Json = {};
  c.schemas[PATCH] = {
    type: "object",
    description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
  };
  for (const def of mine) {
    const name = def.schema.name ?? `${def.group}.${def.version}.${def.kind}`;
    c.object(def.schema);
    c.schemas[`${name}List`] = {
      type: "object",
      description: `${def.listKind} is a list of ${def.kind} objects.`,
      properties: {
        apiVersion: {
          type: "string",
          description: "APIVersion defines the versioned schema of this representation of an object.",
        },
        items: {
          type: "array",
          items: { allOf: [ref(name)], default: {} },
          description: `List of ${def.resource}.`,
        },
        kind: {
          type: "string",
          description: "Kind is a string value representing the REST resource this object represents.",
        },
        metadata: c.property({ ...ListMeta, d: "Standard list metadata." }),
      },
      required: ["items"],
      "x-kubernetes-group-version-kind": [{ group: def.group, version: def.version, kind: def.listKind }],
    };
    if (def.subresources.scale) c.object(Scale);
    addPaths(paths, def, name);
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: c.schemas },
  };
}

/** `api/v1` or `apis/apps/v1`: the key of a group-version in the /openapi/v3 index. */
export function openapiV3PathKey(gv: GroupVersion): string {
  return prefixOf(gv).slice(1);
}

/** A content hash for the index's serverRelativeURL (kubectl caches documents by URL). */
export function documentHash(doc: unknown): string {
  return createHash("sha512").update(JSON.stringify(doc)).digest("hex").slice(0, 128).toUpperCase();
}
