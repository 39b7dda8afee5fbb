// Taints and tolerations as the scheduler and the node lifecycle controller read them
// (k8s ToleratesTaint): which taints of a node a pod's tolerations do not cover.
import type { KubeObject } from "../api/types.js";
import { arr, rec } from "./pod-util.js";

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" | string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal" | string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || "Equal";
  if (op === "Exists") return !t.key || t.key === taint.key;
  if (!t.key) return false;
  return (t.value ?? "") === (taint.value ?? "");
}

/** The taints among `taints` with one of `effects` that no toleration covers. */
export function untolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly string[],
): Taint[] {
  return taints.filter(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)),
  );
}

export function taintsOf(node: KubeObject): Taint[] {
  return arr(rec(node.spec).taints) as Taint[];
}

export function tolerationsOf(pod: KubeObject): Toleration[] {
  return arr(rec(pod.spec).tolerations) as Toleration[];
}

/** The taint keys k8s defines for node conditions. */
export const TaintKeys = {
  notReady: "node.kubernetes.io/not-ready",
  unreachable: "node.kubernetes.io/unreachable",
  unschedulable: "node.kubernetes.io/unschedulable",
  diskPressure: "node.kubernetes.io/disk-pressure",
  memoryPressure: "node.kubernetes.io/memory-pressure",
  pidPressure: "node.kubernetes.io/pid-pressure",
  networkUnavailable: "node.kubernetes.io/network-unavailable",
} as const;
