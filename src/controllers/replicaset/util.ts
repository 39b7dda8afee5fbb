// The ReplicaSet controller's pure arithmetic: slow-start batch sizes, which pods go first when
// scaling down (k8s ActivePodsWithRanks), and the status a set of pods amounts to.
import type { KubeObject } from "../../api/types.js";
import {
  getCondition,
  isPodAvailable,
  isPodReady,
  podPhase,
  rec,
  rfc3339,
  type PodCondition,
} from "../pod-util.js";

/** The most pods one sync creates or deletes (k8s BurstReplicas). */
export const BURST_REPLICAS = 500;

/** Batch sizes of k8s slowStartBatch: 1, 2, 4, … until `count` is reached. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

const PHASE_RANK: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function nodeName(pod: KubeObject): string {
  const n = rec(pod.spec).nodeName;
  return typeof n === "string" ? n : "";
}

function readySince(pod: KubeObject): number {
  const c = getCondition(pod, "Ready");
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
}

function restarts(pod: KubeObject): number {
  const statuses = rec(pod.status).containerStatuses;
  if (!Array.isArray(statuses)) return 0;
  return Math.max(0, ...statuses.map((s) => Number(rec(s).restartCount) || 0));
}

function created(pod: KubeObject): number {
  return Date.parse(pod.metadata.creationTimestamp ?? "") || 0;
}

/** Active pods of the set per node: more of them on one node ranks its pods first for deletion. */
export function relatedPodsPerNode(pods: readonly KubeObject[]): Map<string, number> {
  const per = new Map<string, number>();
  for (const p of pods) {
    const n = nodeName(p);
    if (n) per.set(n, (per.get(n) ?? 0) + 1);
  }
  return per;
}

/**
 * Orders pods so the first ones are the ones to delete (k8s ActivePodsWithRanks.Less):
 * unscheduled < scheduled; Pending < Unknown < Running; not ready < ready; more related pods on
 * the node first; ready for less time first; more restarts first; newer first.
 */
export function compareForDeletion(related: ReadonlyMap<string, number>) {
  return (a: KubeObject, b: KubeObject): number => {
    const na = nodeName(a);
    const nb = nodeName(b);
    if ((na === "") !== (nb === "")) return na === "" ? -1 : 1;
    const pa = PHASE_RANK[podPhase(a)] ?? 0;
    const pb = PHASE_RANK[podPhase(b)] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a);
    const rb = isPodReady(b);
    if (ra !== rb) return ra ? 1 : -1;
    const ka = related.get(na) ?? 0;
    const kb = related.get(nb) ?? 0;
    if (ka !== kb) return kb - ka;
    if (ra && rb) {
      const ta = readySince(a);
      const tb = readySince(b);
      if (ta !== tb) return tb - ta;
    }
    const xa = restarts(a);
    const xb = restarts(b);
    if (xa !== xb) return xb - xa;
    return created(b) - created(a);
  };
}

/** The `n` pods to delete first. */
export function podsToDelete(pods: readonly KubeObject[], n: number): KubeObject[] {
  return [...pods].sort(compareForDeletion(relatedPodsPerNode(pods))).slice(0, Math.max(0, n));
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: PodCondition[];
}

function hasAllLabels(pod: KubeObject, want: Record<string, string>): boolean {
  const have = pod.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The status the active, owned `pods` amount to (k8s calculateStatus, without conditions). */
export function calculateStatus(rs: KubeObject, pods: readonly KubeObject[], now: Date): ReplicaSetStatus {
  const spec = rec(rs.spec);
  const minReady = Number(spec.minReadySeconds) || 0;
  const templateLabels = rec(rec(rec(spec.template).metadata).labels) as Record<string, string>;
  return {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => hasAllLabels(p, templateLabels)).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    ...(rs.metadata.generation !== undefined && { observedGeneration: rs.metadata.generation }),
  };
}

/** Sets or clears the ReplicaFailure condition (k8s: FailedCreate / FailedDelete). */
export function withFailure(
  status: ReplicaSetStatus,
  previous: readonly PodCondition[],
  failure: { reason: string; message: string } | undefined,
  now: Date,
): ReplicaSetStatus {
  const others = previous.filter((c) => c.type !== "ReplicaFailure");
  if (!failure) return others.length ? { ...status, conditions: others } : status;
  const old = previous.find((c) => c.type === "ReplicaFailure");
  const same = old?.status === "True" && old.reason === failure.reason && old.message === failure.message;
  const cond: PodCondition = same
    ? old
    : { type: "ReplicaFailure", status: "True", lastTransitionTime: rfc3339(now), ...failure };
  return { ...status, conditions: [...others, cond] };
}

/** Whether the stored status already says `next` (absent counters are 0). */
export function statusEqual(stored: unknown, next: ReplicaSetStatus): boolean {
  const s = rec(stored);
  const n = (v: unknown): number => (typeof v === "number" ? v : 0);
  return (
    n(s.replicas) === next.replicas &&
    n(s.fullyLabeledReplicas) === next.fullyLabeledReplicas &&
    n(s.readyReplicas) === next.readyReplicas &&
    n(s.availableReplicas) === next.availableReplicas &&
    s.observedGeneration === next.observedGeneration &&
    JSON.stringify(s.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}
