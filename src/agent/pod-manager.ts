// The pods bound to this node: an informer that lists and watches only them
// (fieldSelector spec.nodeName=NAME), one PodWorker per pod uid, runtime exits routed to their
// pod's worker, and containers whose pod is gone (deleted while the agent was down) reaped.
import type { Logger } from "pino";
import type { ResourceApi } from "../api/client/cluster.js";
import { Informer, type ListWatcher } from "../api/registry/informer.js";
import type { KubeObject } from "../api/types.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { PodWorker, type PodWorkerContext } from "./pod-worker.js";
import { reapPod } from "./termination.js";

const ORPHAN_GRACE_SECONDS = 2;

export class PodManager {
  readonly #ctx: PodWorkerContext;
  readonly #logger: Logger;
  readonly #informer: Informer;
  readonly #workers = new Map<string, PodWorker>();
  /** namespace/name → uid of the worker for that name. */
  readonly #names = new Map<string, string>();
  #unsubscribe: (() => void) | undefined;

  constructor(o: { ctx: PodWorkerContext; nodeName: string }) {
    this.#ctx = o.ctx;
    this.#logger = o.ctx.logger;
    this.#informer = new Informer({
      source: nodeScoped(o.ctx.pods, o.nodeName),
      def: o.ctx.pods.def,
      logger: this.#logger,
    });
  }

  /** Starts following the node's pods; resolves once the first list is in and orphans are reaped. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#ctx.runtime.onExit((r) => this.#onExit(r));
    this.#informer.onChange((type, pod) => this.#onPod(type, pod));
    this.#informer.start();
    await this.#informer.synced;
    void this.#reapOrphans();
  }

  close(): void {
    this.#unsubscribe?.();
    this.#informer.stop();
    for (const w of this.#workers.values()) w.close();
    this.#workers.clear();
  }

  containerIds(podUid: string, name: string): { current?: string; previous?: string } {
    return this.#workers.get(podUid)?.containerIds(name) ?? {};
  }

  #onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: KubeObject): void {
    const uid = pod.metadata.uid ?? "";
    const key = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
    const previous = this.#names.get(key);
    if (previous !== undefined && previous !== uid) this.#workers.get(previous)?.update(undefined);
    if (type === "DELETED") {
      this.#workers.get(uid)?.update(undefined);
      if (this.#names.get(key) === uid) this.#names.delete(key);
      return;
    }
    this.#names.set(key, uid);
    const existing = this.#workers.get(uid);
    if (existing) return existing.update(pod);
    const worker = new PodWorker(this.#ctx, pod);
    this.#workers.set(uid, worker);
    void worker.finished.then(() => {
      if (this.#workers.get(uid) === worker) this.#workers.delete(uid);
    });
    worker.kick();
  }

  #onExit(r: ContainerRecord): void {
    this.#workers.get(r.podUid)?.kick();
  }

  async #reapOrphans(): Promise<void> {
    const orphans = new Set(
      this.#ctx.runtime
        .listContainers()
        .map((r) => r.podUid)
        .filter((uid) => !this.#workers.has(uid)),
    );
    for (const podUid of orphans) {
      this.#logger.info({ podUid }, "removing the containers of a pod that no longer exists");
      try {
        await reapPod({
          runtime: this.#ctx.runtime,
          logger: this.#logger,
          podUid,
          graceSeconds: ORPHAN_GRACE_SECONDS,
        });
      } catch (err) {
        this.#logger.warn({ err, podUid }, "could not remove an orphaned pod");
      }
    }
  }
}

/** list and watch of pods narrowed to one node. */
function nodeScoped(pods: ResourceApi, nodeName: string): ListWatcher {
  const fieldSelector = `spec.nodeName=${nodeName}`;
  return {
    list: (_def, namespace, o) => pods.list(namespace, { ...o, fieldSelector }),
    watch: (_def, namespace, o, signal) => pods.watch(namespace, { ...o, fieldSelector }, signal),
  };
}
