// The node lifecycle controller: a periodic monitor pass over nodes and their Leases (health,
// conditions, taints, pods marked not Ready), orphaned pod collection, NoSchedule taints kept in
// line on every node change, and a keyed queue that evicts pods from NoExecute-tainted nodes
// when their tolerations run out.
import type { KubeObject } from "../../api/types.js";
import { timerOf } from "../clock.js";
import type { Controller, ControllerContext } from "../controller.js";
import { Resources } from "../informers.js";
import { objectKey, rec } from "../pod-util.js";
import { WorkQueue } from "../workqueue.js";
import { podsOnNode, type NodeLifecycleDeps } from "./deps.js";
import { TaintEviction } from "./eviction.js";
import { NodeMonitor } from "./monitor.js";
import { NoScheduleTainter } from "./noschedule.js";
import { resolveOptions, type NodeLifecycleOptions } from "./options.js";
import { OrphanPodCollector } from "./podgc.js";

export class NodeLifecycleController implements Controller {
  readonly name = "node-lifecycle-controller";
  readonly #d: NodeLifecycleDeps;
  readonly #after: ReturnType<typeof timerOf>;
  readonly #queue: WorkQueue;
  readonly monitor: NodeMonitor;
  readonly #gc: OrphanPodCollector;
  readonly #eviction: TaintEviction;
  readonly #taintQueue: WorkQueue;
  readonly #tainter: NoScheduleTainter;

  constructor(ctx: ControllerContext, o: NodeLifecycleOptions = {}) {
    this.#d = {
      nodes: ctx.client.resource(Resources.nodes),
      pods: ctx.client.resource(Resources.pods),
      nodeInformer: ctx.informers.informer(Resources.nodes),
      podInformer: ctx.informers.informer(Resources.pods),
      leaseInformer: ctx.informers.informer(Resources.leases),
      clock: ctx.clock,
      logger: ctx.logger.child({ controller: this.name }),
      options: resolveOptions(o),
    };
    this.#after = timerOf(ctx.clock);
    this.#queue = new WorkQueue({ clock: ctx.clock });
    this.monitor = new NodeMonitor(this.#d);
    this.#gc = new OrphanPodCollector(this.#d);
    this.#eviction = new TaintEviction(this.#d, this.#queue);
    this.#taintQueue = new WorkQueue({ clock: ctx.clock });
    this.#tainter = new NoScheduleTainter(this.#d, this.#taintQueue);
  }

  async start(signal: AbortSignal): Promise<void> {
    const d = this.#d;
    const offs: (() => void)[] = [
      d.nodeInformer.onChange((type, node) => {
        if (type !== "DELETED") this.#tainter.onNode(node);
      }),
    ];
    if (d.options.evictionEnabled) {
      offs.push(
        d.podInformer.onChange((type, pod) => {
          if (type !== "DELETED" && typeof rec(pod.spec).nodeName === "string")
            this.#queue.add(objectKey(pod));
        }),
        d.nodeInformer.onChange((type, node) => {
          if (type !== "DELETED") this.#enqueuePodsOf(node);
        }),
      );
    }
    try {
      await Promise.all([d.nodeInformer.synced, d.podInformer.synced, d.leaseInformer.synced]);
      if (signal.aborted) return;
      const monitoring = this.#monitorLoop(signal);
      const tainting = this.#taintQueue.run((name) => this.#tainter.sync(name), {
        workers: 1,
        signal,
        logger: d.logger,
      });
      if (d.options.evictionEnabled) {
        for (const node of d.nodeInformer.items()) this.#enqueuePodsOf(node);
        await this.#queue.run((key) => this.#eviction.sync(key), { workers: 2, signal, logger: d.logger });
      }
      await Promise.all([monitoring, tainting]);
    } finally {
      for (const off of offs) off();
    }
  }

  #enqueuePodsOf(node: KubeObject): void {
    for (const pod of podsOnNode(this.#d, node.metadata.name ?? "")) this.#queue.add(objectKey(pod));
  }

  /** Runs a monitor and a pod GC pass every monitorPeriodMs (on the injected clock) until aborted. */
  #monitorLoop(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let cancel: (() => void) | undefined;
      const tick = async (): Promise<void> => {
        if (signal.aborted) return;
        try {
          await this.monitor.pass();
          await this.#gc.pass();
        } catch (err) {
          this.#d.logger.warn({ err }, "node monitor pass failed");
        }
        if (!signal.aborted) cancel = this.#after(this.#d.options.monitorPeriodMs, () => void tick());
      };
      signal.addEventListener(
        "abort",
        () => {
          cancel?.();
          resolve();
        },
        { once: true },
      );
      void tick();
    });
  }
}
