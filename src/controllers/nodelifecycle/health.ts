// Node health as the node lifecycle controller judges it (k8s tryUpdateNodeHealth): a node is
// heard from when its Lease's renewTime or its Ready heartbeat changes, timed by the local clock;
// silent past the grace period, its conditions become Unknown.
import type { KubeObject } from "../../api/types.js";
import { arr, getCondition, rec, rfc3339, type PodCondition } from "../pod-util.js";

export interface NodeHealth {
  /** Local time (ms) the node was last heard from. */
  probeAt: number;
  leaseRenewTime?: string;
  heartbeat?: string;
}

export interface NodeCondition extends PodCondition {
  lastHeartbeatTime?: string;
}

/** The health record after looking at the node and its Lease at `now`. */
export function observe(
  prev: NodeHealth | undefined,
  node: KubeObject,
  lease: KubeObject | undefined,
  now: number,
): NodeHealth {
  const renew = rec(lease?.spec).renewTime;
  const leaseRenewTime = typeof renew === "string" ? renew : undefined;
  const heartbeat = (getCondition(node, "Ready") as NodeCondition | undefined)?.lastHeartbeatTime;
  if (!prev) return { probeAt: now, leaseRenewTime, heartbeat };
  const heard = leaseRenewTime !== prev.leaseRenewTime || heartbeat !== prev.heartbeat;
  return { probeAt: heard ? now : prev.probeAt, leaseRenewTime, heartbeat };
}

export function isSilent(h: NodeHealth, now: number, gracePeriodMs: number): boolean {
  return now - h.probeAt > gracePeriodMs;
}

/** The conditions the kubelet owns, set Unknown when it goes silent. */
const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/**
 * The node's conditions with every kubelet condition Unknown (reason NodeStatusUnknown, or
 * NodeStatusNeverUpdated for a condition never posted); undefined when they already are.
 */
export function unknownConditions(node: KubeObject, now: Date): NodeCondition[] | undefined {
  const conditions = arr(rec(node.status).conditions) as NodeCondition[];
  const t = rfc3339(now);
  let changed = false;
  const next = conditions.map((c) => {
    if (!KUBELET_CONDITIONS.includes(c.type) || c.status === "Unknown") return c;
    changed = true;
    return {
      ...c,
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
      lastTransitionTime: t,
    };
  });
  for (const type of KUBELET_CONDITIONS) {
    if (conditions.some((c) => c.type === type)) continue;
    changed = true;
    next.push({
      type,
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
      message: "Kubelet never posted node status.",
      lastHeartbeatTime: rfc3339(
        new Date(Date.parse(node.metadata.creationTimestamp ?? "") || now.getTime()),
      ),
      lastTransitionTime: t,
    });
  }
  return changed ? next : undefined;
}

/** "True", "False" or "Unknown"; "" while the node never posted a Ready condition. */
export function readyStatus(node: KubeObject): string {
  return getCondition(node, "Ready")?.status ?? "";
}
