// ApiRegistry: Kubernetes object semantics over a Store — the one path by which http/ and the
// in-process controllers read and write objects (docs/api.md, registry/).
import type { Logger } from "pino";
import { notFound } from "../errors.js";
import type { AdmissionOptions } from "./admission.js";
import type { KubeList, KubeObject, WatchEvent } from "../types.js";
import type { RegistryContext } from "./context.js";
import { createObject } from "./create.js";
import { deleteObject } from "./delete.js";
import type { PatchOps, ResourceCatalog, ResourceDef, Store } from "./deps.js";
import { GarbageCollector } from "./gc.js";
import type { RegistryOps } from "./internal-ops.js";
import { objectKey } from "./keys.js";
import { listObjects } from "./list.js";
import { listLazily, type LazyList } from "./list-stream.js";
import { NamespaceFinalizer } from "./namespace.js";
import { NamespaceGate } from "./namespace-gate.js";
import { fromStored } from "./object-util.js";
import type {
  DeleteOptions,
  ListOptions,
  PatchType,
  Subresource,
  UserInfo,
  WatchOptions,
  WriteOptions,
} from "./options.js";
import { patchProducer } from "./patch.js";
import { bindPod } from "./pod-binding.js";
import { evictPod } from "./pod-eviction.js";
import { noSubresource, patchScale, scaleOf, updateScale } from "./scale.js";
import { guaranteedUpdate } from "./update.js";
import type { WatchCacheOptions } from "./watch-cache.js";
import { startWatch, WatchCaches } from "./watch.js";

export interface ApiRegistryOptions {
  store: Store;
  catalog: ResourceCatalog;
  clock?: () => Date;
  logger: Logger;
  /** patch/'s functions (the composition root passes them). */
  patch?: PatchOps;
  watchCache?: WatchCacheOptions;
  /** Full garbage-collector / namespace passes even without changes (ms). */
  resyncMs?: number;
  /** Mutating admission: the default not-ready/unreachable tolerations of pods (300 s). */
  admission?: AdmissionOptions;
}

const SYSTEM_USER: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };

export class ApiRegistry {
  readonly #ctx: RegistryContext;
  readonly #caches: WatchCaches;
  readonly #gc: GarbageCollector;
  readonly #namespaces: NamespaceFinalizer;
  readonly #namespaceGate: NamespaceGate;

  constructor(o: ApiRegistryOptions) {
    const gate = new NamespaceGate({ store: o.store, logger: o.logger });
    this.#namespaceGate = gate;
    this.#ctx = {
      // Namespace writes go through the gate's tracking, so that it never answers from before them.
      store: gate.tracking(o.store),
      namespaceState: (name) => gate.lookup(name),
      catalog: o.catalog,
      clock: o.clock ?? (() => new Date()),
      logger: o.logger,
      patch: o.patch,
      systemUser: SYSTEM_USER,
      admission: o.admission ?? {},
    };
    this.#caches = new WatchCaches(o.store, o.logger, o.watchCache);
    // The loops list everything but never watch: their lists skip starting watch caches.
    const ops: RegistryOps = {
      get: (def, ns, name) => this.get(def, ns, name),
      list: (def, ns, l) => listObjects(this.#ctx, def, ns, l),
      listLazily: (def, ns, l) => listLazily(this.#ctx, def, ns, l),
      update: (def, ns, name, obj, w) => this.update(def, ns, name, obj, w),
      delete: (def, ns, name, d) => this.delete(def, ns, name, d),
    };
    this.#gc = new GarbageCollector(ops, this.#ctx, o.resyncMs);
    this.#namespaces = new NamespaceFinalizer(ops, this.#ctx, o.resyncMs);
  }

  get catalog(): ResourceCatalog {
    return this.#ctx.catalog;
  }

  async get(def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject> {
    const stored = await this.#ctx.store.get(objectKey(def, namespace, name));
    if (!stored) throw notFound(def.group, def.resource, name);
    return fromStored(def, stored);
  }

  async list(def: ResourceDef, namespace: string | undefined, o: ListOptions): Promise<KubeList> {
    // A list is usually followed by a watch from its revision: with the resource's watch cache
    // running first, that watch resumes from the cache instead of a store watch of its own.
    await this.#caches.forDef(def).start();
    return listObjects(this.#ctx, def, namespace, o);
  }

  /** The same list, its items read and parsed as they are iterated (served a piece at a time). */
  async listLazily(def: ResourceDef, namespace: string | undefined, o: ListOptions): Promise<LazyList> {
    await this.#caches.forDef(def).start();
    return listLazily(this.#ctx, def, namespace, o);
  }

  /**
   * ADDED/MODIFIED/DELETED (+BOOKMARK, ERROR 410) events. Bad selectors or resourceVersion
   * throw here, synchronously, before any event; the stream ends on `signal`, timeoutSeconds,
   * or when the watcher falls too far behind. Event objects are shared: do not mutate them.
   */
  watch(
    def: ResourceDef,
    namespace: string | undefined,
    o: WatchOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent> {
    return startWatch(
      { store: this.#ctx.store, caches: this.#caches, logger: this.#ctx.logger },
      def,
      namespace,
      o,
      signal,
    );
  }

  create(
    def: ResourceDef,
    namespace: string | undefined,
    obj: KubeObject,
    o: WriteOptions,
  ): Promise<KubeObject> {
    return createObject(this.#ctx, def, namespace, obj, o);
  }

  /** With subresource "scale", `obj` is an autoscaling/v1 Scale and so is the answer. */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    o: WriteOptions & { subresource?: Subresource },
  ): Promise<KubeObject> {
    if (o.subresource === "scale") return updateScale(this.#ctx, def, namespace, name, obj, o);
    if (o.subresource === "status" && !def.subresources.status) return Promise.reject(noSubresource());
    const req = o.subresource === undefined ? {} : { subresource: o.subresource };
    return guaranteedUpdate(this.#ctx, def, namespace, name, o, req, () => ({ obj }));
  }

  async patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o: WriteOptions & { subresource?: Subresource; force?: boolean },
  ): Promise<KubeObject> {
    if (o.subresource === "scale") return patchScale(this.#ctx, def, namespace, name, type, patch, o);
    if (o.subresource === "status" && !def.subresources.status) throw noSubresource();
    const produce = patchProducer(this.#ctx, def, { type, patch, force: o.force === true }, o);
    const req = {
      ...(o.subresource !== undefined && { subresource: o.subresource }),
      createIfMissing: type === "apply" && o.subresource === undefined,
    };
    return guaranteedUpdate(this.#ctx, def, namespace, name, o, req, produce);
  }

  async delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    o: WriteOptions & DeleteOptions,
  ): Promise<KubeObject> {
    const result = await deleteObject(this.#ctx, def, namespace, name, o);
    if (!o.dryRun && def.group === "" && def.resource === "namespaces") this.#namespaces.poke();
    return result;
  }

  /** Deletes every selected object (those gone meanwhile are skipped); answers them as a list. */
  async deleteCollection(
    def: ResourceDef,
    namespace: string | undefined,
    l: ListOptions,
    o: WriteOptions & DeleteOptions,
  ): Promise<KubeList> {
    const list = await this.list(def, namespace, { ...l, limit: undefined, continue: undefined });
    const items: KubeObject[] = [];
    for (const item of list.items) {
      try {
        items.push(await this.delete(def, item.metadata.namespace, item.metadata.name as string, o));
      } catch (err) {
        if (!(err instanceof Error && "reason" in err && err.reason === "NotFound")) throw err;
      }
    }
    return { ...list, items };
  }

  async getScale(def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject> {
    return scaleOf(def, await this.get(def, namespace, name));
  }

  /**
   * POST of a create-only subresource of a pod: "binding" (a core/v1 Binding) or "eviction" (a
   * policy/v1 Eviction). Answers a Success Status.
   */
  createSubresource(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KubeObject,
    o: WriteOptions,
  ): Promise<KubeObject> {
    const isPods = def.group === "" && def.resource === "pods";
    if (isPods && subresource === "binding") return bindPod(this.#ctx, def, namespace, name, body, o);
    if (isPods && subresource === "eviction") return evictPod(this.#ctx, def, namespace, name, body, o);
    return Promise.reject(noSubresource());
  }

  /** Starts the background loops: garbage collector and namespace deletion. */
  start(): void {
    this.#gc.start();
    this.#namespaces.start();
  }

  async close(): Promise<void> {
    this.#namespaceGate.stop();
    await Promise.all([this.#gc.stop(), this.#namespaces.stop()]);
    this.#caches.close();
  }
}
