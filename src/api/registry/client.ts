// An in-process client of the registry for controllers and other components running inside
// `skiff server`: the same operations http/ uses, addressed by apiVersion+kind or
// group/version/resource, with the caller's identity and field manager filled in.
import { notFound } from "../errors.js";
import type { KubeList, KubeObject, WatchEvent } from "../types.js";
import { parseApiVersion } from "../types.js";
import type { ResourceDef } from "./deps.js";
import type {
  DeleteOptions,
  ListOptions,
  PatchType,
  UserInfo,
  WatchOptions,
  WriteOptions,
} from "./options.js";
import type { ApiRegistry } from "./registry.js";
import type { ClusterClient, CreateSubresource, ResourceApi, ResourceRef } from "../client/cluster.js";

export type { ResourceRef };

export interface ClientOptions {
  user?: UserInfo;
  /** managedFields manager of this client's writes, e.g. "deployment-controller". */
  fieldManager?: string;
}

type CallOptions = Partial<Pick<WriteOptions, "dryRun" | "fieldValidation" | "fieldManager">>;

export class ApiClient implements ClusterClient {
  readonly #registry: ApiRegistry;
  readonly #o: Required<ClientOptions>;

  constructor(registry: ApiRegistry, o: ClientOptions = {}) {
    this.#registry = registry;
    this.#o = {
      user: o.user ?? { name: "system:skiff", groups: ["system:masters"] },
      fieldManager: o.fieldManager ?? "skiff",
    };
  }

  /** The def of a resource; NotFound when the server does not serve it. */
  def(ref: ResourceRef): ResourceDef {
    const catalog = this.#registry.catalog;
    if ("kind" in ref) {
      const def = catalog.byKind({ ...parseApiVersion(ref.apiVersion), kind: ref.kind });
      if (!def) throw notFound(parseApiVersion(ref.apiVersion).group, ref.kind.toLowerCase(), "");
      return def;
    }
    const def = catalog.get(ref.group, ref.version, ref.resource);
    if (!def) throw notFound(ref.group, ref.resource, "");
    return def;
  }

  resource(ref: ResourceRef): ResourceClient {
    return new ResourceClient(this.#registry, this.def(ref), this.#o);
  }
}

export class ResourceClient implements ResourceApi {
  readonly #registry: ApiRegistry;
  readonly def: ResourceDef;
  readonly #o: Required<ClientOptions>;

  constructor(registry: ApiRegistry, def: ResourceDef, o: Required<ClientOptions>) {
    this.#registry = registry;
    this.def = def;
    this.#o = o;
  }

  #write(o: CallOptions = {}): WriteOptions {
    return {
      user: this.#o.user,
      dryRun: o.dryRun ?? false,
      fieldManager: o.fieldManager ?? this.#o.fieldManager,
      fieldValidation: o.fieldValidation ?? "Ignore",
    };
  }

  get(namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.#registry.get(this.def, namespace, name);
  }

  /** The object, or undefined when it does not exist. */
  async find(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.get(namespace, name);
    } catch (err) {
      if (err instanceof Error && "reason" in err && err.reason === "NotFound") return undefined;
      throw err;
    }
  }

  list(namespace?: string, o: ListOptions = {}): Promise<KubeList> {
    return this.#registry.list(this.def, namespace, o);
  }

  watch(namespace: string | undefined, o: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return this.#registry.watch(this.def, namespace, o, signal);
  }

  create(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    return this.#registry.create(this.def, obj.metadata.namespace, obj, this.#write(o));
  }

  update(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    return this.#registry.update(
      this.def,
      obj.metadata.namespace,
      obj.metadata.name as string,
      obj,
      this.#write(o),
    );
  }

  updateStatus(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    return this.#registry.update(this.def, obj.metadata.namespace, obj.metadata.name as string, obj, {
      ...this.#write(o),
      subresource: "status",
    });
  }

  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o: CallOptions & { subresource?: "status" | "scale"; force?: boolean } = {},
  ): Promise<KubeObject> {
    const { subresource, force, ...rest } = o;
    return this.#registry.patch(this.def, namespace, name, type, patch, {
      ...this.#write(rest),
      ...(subresource !== undefined && { subresource }),
      ...(force !== undefined && { force }),
    });
  }

  delete(
    namespace: string | undefined,
    name: string,
    o: CallOptions & DeleteOptions = {},
  ): Promise<KubeObject> {
    const { dryRun, fieldValidation, fieldManager, ...del } = o;
    return this.#registry.delete(this.def, namespace, name, {
      ...this.#write({ dryRun, fieldValidation, fieldManager }),
      ...del,
    });
  }

  /** POST …/NAME/binding (a core/v1 Binding) or …/NAME/eviction (a policy/v1 Eviction). */
  createSubresource(
    namespace: string | undefined,
    name: string,
    subresource: CreateSubresource,
    body: KubeObject,
    o?: CallOptions,
  ): Promise<KubeObject> {
    return this.#registry.createSubresource(this.def, namespace, name, subresource, body, this.#write(o));
  }

  getScale(namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.#registry.getScale(this.def, namespace, name);
  }
}
