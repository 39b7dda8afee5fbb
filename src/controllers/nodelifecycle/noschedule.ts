// The NoSchedule taints of a node follow its changes at once (k8s doNoScheduleTaintingPass, run
// from node events): `kubectl cordon` gets node.kubernetes.io/unschedulable, `uncordon` loses
// it, a pressure condition gets its taint — without waiting for the next monitor pass.
import type { KubeObject } from "../../api/types.js";
import { isNotFound } from "../controller-ref.js";
import type { WorkQueue } from "../workqueue.js";
import { FIELD_MANAGER, type NodeLifecycleDeps } from "./deps.js";
import { reconcileTaints } from "./taints.js";

export class NoScheduleTainter {
  readonly #d: NodeLifecycleDeps;
  readonly #queue: WorkQueue;

  constructor(d: NodeLifecycleDeps, queue: WorkQueue) {
    this.#d = d;
    this.#queue = queue;
  }

  /** Queues the node when its NoSchedule taints are not what its state calls for. */
  onNode(node: KubeObject): void {
    if (reconcileTaints(node, this.#d.clock.now(), { noScheduleOnly: true })) {
      this.#queue.add(node.metadata.name ?? "");
    }
  }

  async sync(name: string): Promise<void> {
    const node = this.#d.nodeInformer.get(undefined, name);
    if (!node) return;
    const taints = reconcileTaints(node, this.#d.clock.now(), { noScheduleOnly: true });
    if (!taints) return;
    try {
      await this.#d.nodes.patch(
        undefined,
        name,
        "merge",
        { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } },
        { fieldManager: FIELD_MANAGER },
      );
    } catch (err) {
      // A Conflict is retried by the queue once the informer has the newer node.
      if (!isNotFound(err)) throw err;
    }
  }
}
