// The ReplicaSet controller: informer events become ReplicaSet keys (pods through their
// controllerRef, orphans through the selectors that match them); workers run syncReplicaSet.
import type { KubeObject } from "../../api/types.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ControllerEvents } from "../events.js";
import { Expectations } from "../expectations.js";
import { Resources } from "../informers.js";
import { controllerRef, objectKey, rec, selectorOf } from "../pod-util.js";
import { WorkQueue } from "../workqueue.js";
import type { ReplicaSetDeps } from "./deps.js";
import { syncReplicaSet } from "./sync.js";
import { BURST_REPLICAS } from "./util.js";

export interface ReplicaSetControllerOptions {
  workers?: number;
  burstReplicas?: number;
}

export class ReplicaSetController implements Controller {
  readonly name = "replicaset-controller";
  readonly #deps: ReplicaSetDeps;
  readonly #workers: number;

  constructor(ctx: ControllerContext, o: ReplicaSetControllerOptions = {}) {
    this.#workers = o.workers ?? 5;
    this.#deps = {
      replicaSets: ctx.client.resource(Resources.replicaSets),
      pods: ctx.client.resource(Resources.pods),
      rsInformer: ctx.informers.informer(Resources.replicaSets),
      podInformer: ctx.informers.informer(Resources.pods),
      expectations: new Expectations({ clock: ctx.clock }),
      queue: new WorkQueue({ clock: ctx.clock }),
      events: new ControllerEvents({
        client: ctx.client,
        component: this.name,
        clock: ctx.clock,
        logger: ctx.logger.child({ controller: this.name }),
      }),
      clock: ctx.clock,
      logger: ctx.logger.child({ controller: this.name }),
      burstReplicas: o.burstReplicas ?? BURST_REPLICAS,
    };
  }

  /** The expectations of this controller (for tests). */
  get expectations(): Expectations {
    return this.#deps.expectations;
  }

  async start(signal: AbortSignal): Promise<void> {
    const d = this.#deps;
    const offRs = d.rsInformer.onChange((type, rs) => {
      if (type === "DELETED") d.expectations.delete(objectKey(rs));
      d.queue.add(objectKey(rs));
    });
    const offPods = d.podInformer.onChange((type, pod) => this.#onPod(type, pod));
    try {
      await Promise.all([d.rsInformer.synced, d.podInformer.synced]);
      if (signal.aborted) return;
      for (const rs of d.rsInformer.items()) d.queue.add(objectKey(rs));
      await d.queue.run((key) => syncReplicaSet(d, key), {
        workers: this.#workers,
        signal,
        logger: d.logger,
      });
    } finally {
      offRs();
      offPods();
    }
  }

  #onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: KubeObject): void {
    const d = this.#deps;
    const owner = this.#owner(pod);
    if (owner) {
      const key = objectKey(owner);
      if (type === "DELETED" || pod.metadata.deletionTimestamp !== undefined) {
        d.expectations.deletionObserved(key, objectKey(pod));
      } else if (type === "ADDED") {
        d.expectations.creationObserved(key);
      }
      d.queue.add(key);
      return;
    }
    if (type === "DELETED" || controllerRef(pod)) return;
    // An orphan: every ReplicaSet whose selector matches may adopt it.
    for (const rs of d.rsInformer.items()) {
      if (rs.metadata.namespace !== pod.metadata.namespace) continue;
      if (selectorOf(rec(rs.spec).selector).matches(pod.metadata.labels ?? {})) d.queue.add(objectKey(rs));
    }
  }

  /** The ReplicaSet in the cache the pod's controllerRef names, if any. */
  #owner(pod: KubeObject): KubeObject | undefined {
    const ref = controllerRef(pod);
    if (ref?.kind !== "ReplicaSet") return undefined;
    const rs = this.#deps.rsInformer.get(pod.metadata.namespace, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }
}
