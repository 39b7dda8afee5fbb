// A small in-memory ClusterClient for the scheduler's tests: pods, nodes and events with
// resourceVersions, list + watch (replayed from a resourceVersion), merge patches (conditions
// merged by type, as the strategic patch does) and the pods/binding subresource.
import type {
  CallOptions,
  ClusterClient,
  CreateSubresource,
  ResourceApi,
  ResourceRef,
} from "../api/client/cluster.js";
import { alreadyExists, conflict, notFound } from "../api/errors.js";
import type { ListOptions, PatchType, WatchOptions } from "../api/registry/options.js";
import { isObject } from "../api/resources/json.js";
import { eventDef } from "../api/resources/core-event.js";
import { nodeDef } from "../api/resources/core-node.js";
import { podDef } from "../api/resources/core-pod.js";
import type { ResourceDef } from "../api/resources/def.js";
import type { KubeList, KubeObject, WatchEvent } from "../api/types.js";

type Change = { rv: number; event: WatchEvent };

const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 merge, except that `conditions` lists merge by `type`. */
function merge(target: unknown, patch: unknown, key = ""): unknown {
  if (key === "conditions" && Array.isArray(patch) && Array.isArray(target)) {
    const out = [...target];
    for (const c of patch) {
      const at = out.findIndex((o) => isObject(o) && isObject(c) && o["type"] === c["type"]);
      if (at >= 0) out[at] = merge(out[at], c);
      else out.push(c);
    }
    return out;
  }
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v, k);
  }
  return out;
}

class FakeResource implements ResourceApi {
  readonly def: ResourceDef;
  readonly #cluster: FakeCluster;
  readonly #objects = new Map<string, KubeObject>();
  readonly #log: Change[] = [];
  readonly #wake = new Set<() => void>();

  constructor(def: ResourceDef, cluster: FakeCluster) {
    this.def = def;
    this.#cluster = cluster;
  }

  #key(ns: string | undefined, name: string): string {
    return `${ns ?? ""}/${name}`;
  }

  #store(type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject): KubeObject {
    const rv = this.#cluster.nextRv();
    const stored = clone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } });
    const key = this.#key(stored.metadata.namespace, stored.metadata.name ?? "");
    if (type === "DELETED") this.#objects.delete(key);
    else this.#objects.set(key, stored);
    this.#log.push({ rv, event: { type, object: stored } });
    for (const wake of this.#wake) wake();
    return clone(stored);
  }

  async get(ns: string | undefined, name: string): Promise<KubeObject> {
    const obj = this.#objects.get(this.#key(ns, name));
    if (obj === undefined) throw notFound(this.def.group, this.def.resource, name);
    return clone(obj);
  }

  async find(ns: string | undefined, name: string): Promise<KubeObject | undefined> {
    const obj = this.#objects.get(this.#key(ns, name));
    return obj && clone(obj);
  }

  async list(ns?: string, _o?: ListOptions): Promise<KubeList> {
    const items = [...this.#objects.values()].filter((o) => ns === undefined || o.metadata.namespace === ns);
    return {
      apiVersion: "v1",
      kind: `${this.def.kind}List`,
      metadata: { resourceVersion: String(this.#cluster.rv) },
      items: clone(items),
    };
  }

  async *watch(ns: string | undefined, o: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent> {
    let from = Number(o.resourceVersion ?? "0");
    while (!signal.aborted) {
      const next = this.#log.filter((c) => c.rv > from);
      for (const c of next) {
        from = c.rv;
        if (ns === undefined || c.event.object.metadata.namespace === ns) yield clone(c.event);
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.#wake.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.#wake.add(done);
        signal.addEventListener("abort", done);
      });
    }
  }

  async create(obj: KubeObject, _o?: CallOptions): Promise<KubeObject> {
    const key = this.#key(obj.metadata.namespace, obj.metadata.name ?? "");
    if (this.#objects.has(key))
      throw alreadyExists(this.def.group, this.def.resource, obj.metadata.name ?? "");
    const uid = obj.metadata.uid ?? `uid-${this.#cluster.rv + 1}`;
    return this.#store("ADDED", { ...obj, metadata: { ...obj.metadata, uid } });
  }

  async update(obj: KubeObject, _o?: CallOptions): Promise<KubeObject> {
    await this.get(obj.metadata.namespace, obj.metadata.name ?? "");
    return this.#store("MODIFIED", obj);
  }

  updateStatus(obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    return this.update(obj, o);
  }

  async patch(ns: string | undefined, name: string, _type: PatchType, patch: unknown): Promise<KubeObject> {
    this.#cluster.calls.push({ verb: "patch", kind: this.def.kind, name, body: patch });
    const current = await this.get(ns, name);
    return this.#store("MODIFIED", merge(current, patch) as KubeObject);
  }

  async delete(ns: string | undefined, name: string): Promise<KubeObject> {
    const current = await this.get(ns, name);
    return this.#store("DELETED", current);
  }

  async createSubresource(
    ns: string | undefined,
    name: string,
    subresource: CreateSubresource,
    body: KubeObject,
  ): Promise<KubeObject> {
    this.#cluster.calls.push({ verb: subresource, kind: this.def.kind, name, body });
    const pod = await this.get(ns, name);
    const target = body["target"] as { name: string };
    const refusal = this.#cluster.refuseBinding?.(pod, target.name);
    if (refusal !== undefined) throw refusal;
    const spec = pod["spec"] as Record<string, unknown>;
    if (spec["nodeName"]) throw conflict("", "pods/binding", name, `pod ${name} is already assigned`);
    spec["nodeName"] = target.name;
    this.#store(
      "MODIFIED",
      merge(pod, { status: { conditions: [{ type: "PodScheduled", status: "True" }] } }) as KubeObject,
    );
    return { apiVersion: "v1", kind: "Status", metadata: {}, status: "Success" };
  }
}

export interface Call {
  verb: string;
  kind: string;
  name: string;
  body: unknown;
}

export class FakeCluster implements ClusterClient {
  rv = 1;
  readonly calls: Call[] = [];
  /** Makes a binding fail with the answered error. */
  refuseBinding: ((pod: KubeObject, node: string) => Error | undefined) | undefined;
  readonly pods: FakeResource;
  readonly nodes: FakeResource;
  readonly events: FakeResource;

  constructor() {
    this.pods = new FakeResource(podDef as ResourceDef, this);
    this.nodes = new FakeResource(nodeDef as ResourceDef, this);
    this.events = new FakeResource(eventDef as ResourceDef, this);
  }

  nextRv(): number {
    return ++this.rv;
  }

  resource(ref: ResourceRef): ResourceApi {
    const kind = "kind" in ref ? ref.kind : ref.resource;
    if (kind === "Pod" || kind === "pods") return this.pods;
    if (kind === "Node" || kind === "nodes") return this.nodes;
    if (kind === "Event" || kind === "events") return this.events;
    throw notFound("", kind, "");
  }
}
