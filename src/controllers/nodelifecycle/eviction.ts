// Taint-based eviction (k8s NoExecuteTaintManager): a pod on a node with NoExecute taints goes
// at once if one is not tolerated, else as soon as one taint has been there longer than the
// tolerationSeconds of the toleration that covers it; tolerations without seconds keep it forever.
import type { KubeObject } from "../../api/types.js";
import { isNotFound } from "../controller-ref.js";
import { objectKey, rec, rfc3339, splitKey, type PodCondition } from "../pod-util.js";
import { taintsOf, tolerates, tolerationsOf, type Taint } from "../taints.js";
import type { WorkQueue } from "../workqueue.js";
import { FIELD_MANAGER, type NodeLifecycleDeps } from "./deps.js";

/**
 * Milliseconds until `pod` must be evicted from a node with `taints`: 0 for now, undefined for
 * never. `since` is the time taints lacking timeAdded were first seen.
 */
export function evictionDelayMs(
  pod: KubeObject,
  taints: readonly Taint[],
  now: Date,
  since: Date,
): number | undefined {
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  if (noExecute.length === 0) return undefined;
  const tolerations = tolerationsOf(pod);
  let evictAt = Infinity;
  for (const taint of noExecute) {
    const used = tolerations.find((t) => tolerates(t, taint));
    if (!used) return 0;
    if (typeof used.tolerationSeconds !== "number") continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const start = Number.isFinite(added) ? added : since.getTime();
    evictAt = Math.min(evictAt, start + Math.max(0, used.tolerationSeconds) * 1000);
  }
  if (evictAt === Infinity) return undefined;
  return Math.max(0, evictAt - now.getTime());
}

/** The eviction worker: one pod key at a time, requeued for the moment its toleration runs out. */
export class TaintEviction {
  readonly #d: NodeLifecycleDeps;
  readonly #queue: WorkQueue;
  /** Pod key → time its node's NoExecute taints were first seen (for taints without timeAdded). */
  readonly #since = new Map<string, Date>();

  constructor(d: NodeLifecycleDeps, queue: WorkQueue) {
    this.#d = d;
    this.#queue = queue;
  }

  async sync(key: string): Promise<void> {
    const d = this.#d;
    const { namespace, name } = splitKey(key);
    const pod = d.podInformer.get(namespace, name);
    const nodeName = pod && rec(pod.spec).nodeName;
    const node =
      typeof nodeName === "string" && nodeName ? d.nodeInformer.get(undefined, nodeName) : undefined;
    if (!pod || !node || pod.metadata.deletionTimestamp !== undefined) {
      this.#since.delete(key);
      return;
    }
    const now = d.clock.now();
    const taints = taintsOf(node);
    if (!taints.some((t) => t.effect === "NoExecute")) {
      this.#since.delete(key);
      return;
    }
    const since = this.#since.get(key) ?? now;
    this.#since.set(key, since);
    const delay = evictionDelayMs(pod, taints, now, since);
    if (delay === undefined) return;
    if (delay > 0) return this.#queue.addAfter(key, delay);
    await this.#evict(pod, nodeName as string);
    this.#since.delete(key);
  }

  async #evict(pod: KubeObject, nodeName: string): Promise<void> {
    const d = this.#d;
    d.logger.info({ pod: objectKey(pod), node: nodeName }, "evicting a pod from a NoExecute-tainted node");
    const status = rec(pod.status);
    const conditions = (Array.isArray(status.conditions) ? (status.conditions as PodCondition[]) : []).filter(
      (c) => c.type !== "DisruptionTarget",
    );
    conditions.push({
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByTaintManager",
      message: "Taint manager: deleting due to NoExecute taint",
      lastTransitionTime: rfc3339(d.clock.now()),
    });
    await d.pods
      .updateStatus({ ...pod, status: { ...status, conditions } }, { fieldManager: FIELD_MANAGER })
      .catch(() => undefined);
    try {
      await d.pods.delete(pod.metadata.namespace, pod.metadata.name ?? "", {
        fieldManager: FIELD_MANAGER,
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
