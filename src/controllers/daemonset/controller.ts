// The DaemonSet controller: DaemonSet, pod and node events become DaemonSet keys; workers run
// syncDaemonSet.
import type { KubeObject } from "../../api/types.js";
import type { Controller, ControllerContext } from "../controller.js";
import { ControllerEvents } from "../events.js";
import { Expectations } from "../expectations.js";
import { Resources } from "../informers.js";
import { controllerRef, objectKey, rec, selectorOf } from "../pod-util.js";
import { WorkQueue } from "../workqueue.js";
import type { DaemonSetDeps } from "./deps.js";
import { syncDaemonSet } from "./sync.js";

export class DaemonSetController implements Controller {
  readonly name = "daemonset-controller";
  readonly #d: DaemonSetDeps;
  readonly #workers: number;

  constructor(ctx: ControllerContext, o: { workers?: number } = {}) {
    this.#workers = o.workers ?? 2;
    this.#d = {
      daemonSets: ctx.client.resource(Resources.daemonSets),
      pods: ctx.client.resource(Resources.pods),
      revisions: ctx.client.resource(Resources.controllerRevisions),
      dsInformer: ctx.informers.informer(Resources.daemonSets),
      podInformer: ctx.informers.informer(Resources.pods),
      nodeInformer: ctx.informers.informer(Resources.nodes),
      revisionInformer: ctx.informers.informer(Resources.controllerRevisions),
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
    };
  }

  async start(signal: AbortSignal): Promise<void> {
    const d = this.#d;
    const offs = [
      d.dsInformer.onChange((type, ds) => {
        if (type === "DELETED") d.expectations.delete(objectKey(ds));
        d.queue.add(objectKey(ds));
      }),
      d.podInformer.onChange((type, pod) => this.#onPod(type, pod)),
      // Any node change may change where daemons run.
      d.nodeInformer.onChange(() => this.#enqueueAll()),
      d.revisionInformer.onChange((_type, cr) => this.#onRevision(cr)),
    ];
    try {
      await Promise.all([
        d.dsInformer.synced,
        d.podInformer.synced,
        d.nodeInformer.synced,
        d.revisionInformer.synced,
      ]);
      if (signal.aborted) return;
      this.#enqueueAll();
      await d.queue.run((key) => syncDaemonSet(d, key), { workers: this.#workers, signal, logger: d.logger });
    } finally {
      for (const off of offs) off();
    }
  }

  #enqueueAll(): void {
    for (const ds of this.#d.dsInformer.items()) this.#d.queue.add(objectKey(ds));
  }

  /** A revision changed or went away: its DaemonSet looks at its history again. */
  #onRevision(cr: KubeObject): void {
    const ref = controllerRef(cr);
    if (ref?.kind !== "DaemonSet") return;
    const ds = this.#d.dsInformer.get(cr.metadata.namespace, ref.name);
    if (ds?.metadata.uid === ref.uid) this.#d.queue.add(objectKey(ds));
  }

  #onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: KubeObject): void {
    const d = this.#d;
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.kind !== "DaemonSet") return;
      const ds = d.dsInformer.get(pod.metadata.namespace, ref.name);
      if (ds?.metadata.uid !== ref.uid) return;
      const key = objectKey(ds);
      if (type === "DELETED" || pod.metadata.deletionTimestamp !== undefined) {
        d.expectations.deletionObserved(key, objectKey(pod));
      } else if (type === "ADDED") d.expectations.creationObserved(key);
      d.queue.add(key);
      return;
    }
    if (type === "DELETED") return;
    for (const ds of d.dsInformer.items()) {
      if (ds.metadata.namespace !== pod.metadata.namespace) continue;
      if (selectorOf(rec(ds.spec).selector).matches(pod.metadata.labels ?? {})) d.queue.add(objectKey(ds));
    }
  }
}
