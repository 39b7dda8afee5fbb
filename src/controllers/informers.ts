// Shared list+watch caches for controllers (client-go's SharedInformerFactory): one Informer per
// resource whoever asks for it, fed through a ClusterClient, started and stopped together.
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi, ResourceRef } from "../api/client/cluster.js";
import { Informer, type ListWatcher } from "../api/registry/informer.js";

/** The ListWatcher an Informer needs, over one resource of a ClusterClient. */
export function listWatcherOf(api: ResourceApi): ListWatcher {
  return {
    list: (_def, namespace, o) => api.list(namespace, o),
    watch: (_def, namespace, o, signal) => api.watch(namespace, o, signal),
  };
}

function refKey(ref: ResourceRef): string {
  return "kind" in ref ? `${ref.apiVersion}|${ref.kind}` : `${ref.group}/${ref.version}/${ref.resource}`;
}

export class InformerFactory {
  readonly #client: ClusterClient;
  readonly #logger: Logger;
  readonly #informers = new Map<string, Informer>();
  readonly #started = new Set<Informer>();
  #running = false;

  constructor(o: { client: ClusterClient; logger: Logger }) {
    this.#client = o.client;
    this.#logger = o.logger;
  }

  /** The shared informer of `ref` (all namespaces); started at once if the factory already runs. */
  informer(ref: ResourceRef): Informer {
    const key = refKey(ref);
    let inf = this.#informers.get(key);
    if (!inf) {
      const api = this.#client.resource(ref);
      inf = new Informer({ source: listWatcherOf(api), def: api.def, logger: this.#logger });
      this.#informers.set(key, inf);
      if (this.#running) this.#start(inf);
    }
    return inf;
  }

  /** Starts every informer asked for so far (and, from now on, each one asked for later). */
  start(): void {
    this.#running = true;
    for (const inf of this.#informers.values()) this.#start(inf);
  }

  /** Resolves once every started informer has listed once. */
  async synced(): Promise<void> {
    await Promise.all([...this.#started].map((i) => i.synced));
  }

  stop(): void {
    this.#running = false;
    for (const inf of this.#started) inf.stop();
    this.#started.clear();
    this.#informers.clear();
  }

  #start(inf: Informer): void {
    if (this.#started.has(inf)) return;
    this.#started.add(inf);
    inf.start();
  }
}

/** Well-known resources the controllers watch. */
export const Resources = {
  pods: { apiVersion: "v1", kind: "Pod" },
  nodes: { apiVersion: "v1", kind: "Node" },
  replicaSets: { apiVersion: "apps/v1", kind: "ReplicaSet" },
  deployments: { apiVersion: "apps/v1", kind: "Deployment" },
  daemonSets: { apiVersion: "apps/v1", kind: "DaemonSet" },
  controllerRevisions: { apiVersion: "apps/v1", kind: "ControllerRevision" },
  leases: { apiVersion: "coordination.k8s.io/v1", kind: "Lease" },
  events: { apiVersion: "v1", kind: "Event" },
} as const satisfies Record<string, ResourceRef>;
