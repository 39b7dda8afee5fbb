// The node monitor pass (k8s monitorNodeHealth): for every node, note whether it was heard from
// through its Lease or Ready heartbeat; past the grace period set its conditions Unknown and mark
// its pods not Ready; keep its condition taints in line either way.
import type { KubeObject } from "../../api/types.js";
import { isNotFound } from "../controller-ref.js";
import { isPodReady, rec, rfc3339, type PodCondition } from "../pod-util.js";
import { FIELD_MANAGER, podsOnNode, type NodeLifecycleDeps } from "./deps.js";
import { isSilent, observe, readyStatus, unknownConditions, type NodeHealth } from "./health.js";
import { reconcileTaints } from "./taints.js";

export class NodeMonitor {
  readonly #d: NodeLifecycleDeps;
  readonly #health = new Map<string, NodeHealth>();

  constructor(d: NodeLifecycleDeps) {
    this.#d = d;
  }

  async pass(): Promise<void> {
    const nodes = this.#d.nodeInformer.items();
    const names = new Set(nodes.map((n) => n.metadata.name ?? ""));
    for (const name of this.#health.keys()) if (!names.has(name)) this.#health.delete(name);
    const results = await Promise.allSettled(nodes.map((n) => this.#check(n)));
    for (const r of results) {
      if (r.status === "rejected" && !isNotFound(r.reason)) {
        this.#d.logger.warn({ err: r.reason }, "node health update failed; retrying next pass");
      }
    }
  }

  async #check(node: KubeObject): Promise<void> {
    const d = this.#d;
    const name = node.metadata.name ?? "";
    const now = d.clock.now();
    const lease = d.leaseInformer.get(d.options.leaseNamespace, name);
    const health = observe(this.#health.get(name), node, lease, now.getTime());
    this.#health.set(name, health);
    let current = node;
    const silent = isSilent(health, now.getTime(), d.options.gracePeriodMs);
    if (silent) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        d.logger.info({ node: name }, "node stopped posting status; marking it Unknown");
        current = await d.nodes.updateStatus(
          { ...node, status: { ...rec(node.status), conditions } },
          { fieldManager: FIELD_MANAGER },
        );
      }
    }
    const taints = reconcileTaints(current, now);
    if (taints) {
      current = await d.nodes.patch(
        undefined,
        name,
        "merge",
        { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { taints } },
        { fieldManager: FIELD_MANAGER },
      );
    }
    if (silent && readyStatus(current) === "Unknown") await this.#markPodsNotReady(name, now);
  }

  /** k8s MarkPodsNotReady: the Ready condition of the node's pods turns False. */
  async #markPodsNotReady(nodeName: string, now: Date): Promise<void> {
    const d = this.#d;
    for (const pod of podsOnNode(d, nodeName)) {
      if (!isPodReady(pod) || pod.metadata.deletionTimestamp !== undefined) continue;
      const status = rec(pod.status);
      const conditions = (status.conditions as PodCondition[]).map((c) =>
        c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: rfc3339(now) } : c,
      );
      try {
        await d.pods.updateStatus(
          { ...pod, status: { ...status, conditions } },
          { fieldManager: FIELD_MANAGER },
        );
      } catch (err) {
        if (!isNotFound(err))
          d.logger.warn({ err, pod: pod.metadata.name }, "marking a pod not ready failed");
      }
    }
  }

  /** What the monitor knows of a node (for tests). */
  health(name: string): NodeHealth | undefined {
    return this.#health.get(name);
  }
}
