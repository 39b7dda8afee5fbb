// Test doubles of the modules behind the HTTP face: a two-kind catalog and an in-memory registry
// with just enough semantics (resourceVersion, conflicts, watch) to exercise the handlers.
import { alreadyExists, conflict, notFound } from "../errors.js";
import type { KubeList, KubeObject, WatchEvent } from "../types.js";
import type { LazyList } from "../registry/list-stream.js";
import type {
  ApiFace,
  HttpCatalog,
  HttpRegistry,
  HttpResourceDef,
  PatchType,
  UserInfo,
  WatchOptions,
} from "./deps.js";

function def(
  p: Partial<HttpResourceDef> & Pick<HttpResourceDef, "group" | "version" | "kind" | "resource">,
): HttpResourceDef {
  return {
    storageVersion: p.version,
    storageGroup: p.group,
    schema: { node: "object", fields: {} },
    toStorage: (o) => o,
    fromStorage: (o) => o,
    setDefaults: () => {},
    validate: () => [],
    patchSchema: {},
    fieldSelectors: {},
    hasGeneration: false,
    unknownFields: () => [],
    listKind: `${p.kind}List`,
    singular: p.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced: true,
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    subresources: { status: false },
    table: {
      columns: [
        { name: "Name", type: "string", format: "name", priority: 0 },
        { name: "Data", type: "integer", priority: 0 },
      ],
      cells: (o) => [o.metadata.name, Object.keys((o.data as object | undefined) ?? {}).length],
    },
    ...p,
  };
}

export const fakeDefs = {
  serviceaccounts: def({ group: "", version: "v1", kind: "ServiceAccount", resource: "serviceaccounts" }),
  configmaps: def({
    group: "",
    version: "v1",
    kind: "ConfigMap",
    resource: "configmaps",
    shortNames: ["cm"],
  }),
  namespaces: def({
    group: "",
    version: "v1",
    kind: "Namespace",
    resource: "namespaces",
    namespaced: false,
    shortNames: ["ns"],
  }),
  deployments: def({
    group: "apps",
    version: "v1",
    kind: "Deployment",
    resource: "deployments",
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: {
      status: true,
      scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
    },
  }),
};

export const fakeCatalog: HttpCatalog = {
  all: () => Object.values(fakeDefs),
  get: (g, v, r) => Object.values(fakeDefs).find((d) => d.group === g && d.version === v && d.resource === r),
  groups: () => [
    { group: "", versions: ["v1"], preferred: "v1" },
    { group: "apps", versions: ["v1"], preferred: "v1" },
  ],
  openapiV3: (gv) => ({ openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths: {}, gv }),
};

/** An in-memory registry: one revision counter, events fanned out to watchers. */
export class FakeRegistry implements HttpRegistry {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: { op: string; args: unknown[] }[] = [];
  #rev = 1;
  #watchers = new Set<(e: WatchEvent) => void>();

  #key(d: HttpResourceDef, ns: string | undefined, name: string): string {
    return `${d.resource}/${ns ?? ""}/${name}`;
  }

  #emit(type: WatchEvent["type"], object: KubeObject): void {
    for (const w of this.#watchers) w({ type, object });
  }

  async get(d: HttpResourceDef, ns: string | undefined, name: string): Promise<KubeObject> {
    const o = this.objects.get(this.#key(d, ns, name));
    if (o === undefined) throw notFound(d.group, d.resource, name);
    return o;
  }

  async list(d: HttpResourceDef, ns: string | undefined): Promise<KubeList> {
    const prefix = ns === undefined ? `${d.resource}/` : `${d.resource}/${ns}/`;
    const items = [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    return { apiVersion: "v1", kind: d.listKind, metadata: { resourceVersion: String(this.#rev) }, items };
  }

  async listLazily(d: HttpResourceDef, ns: string | undefined): Promise<LazyList> {
    const { items, ...head } = await this.list(d, ns);
    return {
      head,
      items: (async function* () {
        yield* items;
      })(),
    };
  }

  async *watch(
    d: HttpResourceDef,
    ns: string | undefined,
    o: WatchOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent> {
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    const push = (e: WatchEvent): void => {
      queue.push(e);
      wake?.();
    };
    if (o.resourceVersion === undefined || o.resourceVersion === "0") {
      for (const item of (await this.list(d, ns)).items) queue.push({ type: "ADDED", object: item });
    }
    this.#watchers.add(push);
    signal.addEventListener("abort", () => wake?.());
    try {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      this.#watchers.delete(push);
    }
  }

  async create(
    d: HttpResourceDef,
    ns: string | undefined,
    obj: KubeObject,
    o: { dryRun: boolean },
  ): Promise<KubeObject> {
    this.calls.push({ op: "create", args: [d.resource, ns, obj, o] });
    const name = obj.metadata.name ?? "";
    const key = this.#key(d, ns, name);
    if (this.objects.has(key)) throw alreadyExists(d.group, d.resource, name);
    const stored = {
      ...obj,
      metadata: {
        ...obj.metadata,
        ...(ns && { namespace: ns }),
        resourceVersion: String(++this.#rev),
        uid: `uid-${name}`,
      },
    };
    if (!o.dryRun) {
      this.objects.set(key, stored);
      this.#emit("ADDED", stored);
    }
    return stored;
  }

  async update(
    d: HttpResourceDef,
    ns: string | undefined,
    name: string,
    obj: KubeObject,
    o: unknown,
  ): Promise<KubeObject> {
    this.calls.push({ op: "update", args: [d.resource, ns, name, obj, o] });
    const old = await this.get(d, ns, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) {
      throw conflict(
        d.group,
        d.resource,
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rev) } };
    this.objects.set(this.#key(d, ns, name), stored);
    this.#emit("MODIFIED", stored);
    return stored;
  }

  async patch(
    d: HttpResourceDef,
    ns: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o: { user: UserInfo; dryRun: boolean },
  ): Promise<KubeObject> {
    this.calls.push({ op: "patch", args: [d.resource, ns, name, type, patch, o] });
    const key = this.#key(d, ns, name);
    const old = this.objects.get(key);
    if (old === undefined && type === "apply") return this.create(d, ns, patch as KubeObject, o);
    if (old === undefined) throw notFound(d.group, d.resource, name);
    const stored = {
      ...old,
      ...(patch as object),
      metadata: { ...old.metadata, resourceVersion: String(++this.#rev) },
    };
    this.objects.set(key, stored);
    this.#emit("MODIFIED", stored);
    return stored;
  }

  async delete(d: HttpResourceDef, ns: string | undefined, name: string, o: unknown): Promise<KubeObject> {
    this.calls.push({ op: "delete", args: [d.resource, ns, name, o] });
    const old = await this.get(d, ns, name);
    if ((old.metadata.finalizers?.length ?? 0) > 0) {
      const marked = { ...old, metadata: { ...old.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
      this.objects.set(this.#key(d, ns, name), marked);
      return marked;
    }
    this.objects.delete(this.#key(d, ns, name));
    this.#emit("DELETED", old);
    return old;
  }

  async deleteCollection(d: HttpResourceDef, ns: string | undefined): Promise<KubeList> {
    const list = await this.list(d, ns);
    for (const item of list.items) await this.delete(d, ns, item.metadata.name ?? "", {});
    return list;
  }

  async getScale(d: HttpResourceDef, ns: string | undefined, name: string): Promise<KubeObject> {
    const o = await this.get(d, ns, name);
    return {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name, namespace: ns ?? "" },
      spec: { replicas: (o.spec as { replicas?: number } | undefined)?.replicas ?? 1 },
    };
  }

  async createSubresource(d: HttpResourceDef, ns: string | undefined, name: string): Promise<KubeObject> {
    await this.get(d, ns, name);
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" } as KubeObject;
  }
}

export const ADMIN: UserInfo = { name: "skiff-admin", groups: ["system:masters", "system:authenticated"] };
export const BOB: UserInfo = { name: "bob", groups: ["system:authenticated"] };

export function fakeFace(registry = new FakeRegistry()): ApiFace & { registry: FakeRegistry } {
  return {
    catalog: fakeCatalog,
    registry,
    authenticator: {
      authenticate: async ({ authorization }) =>
        authorization === "Bearer admin" ? ADMIN : authorization === "Bearer bob" ? BOB : undefined,
    },
    authorizer: {
      authorize: async (a) => ({
        allowed:
          a.user.name === "skiff-admin" ||
          (a.verb === "get" && a.resource === "configmaps") ||
          a.resource === "selfsubjectaccessreviews",
        reason: "",
      }),
    },
    decodeProtobuf: () => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "from-protobuf" } }),
    tokens: {
      issueServiceAccountToken: async (o) => ({
        token: `token-for-${o.name}`,
        expirationTimestamp: "2030-01-01T00:00:00Z",
      }),
    },
    serverAddress: "127.0.0.1:6443",
    clock: () => new Date("2026-11-22T10:00:00Z"),
  };
}
