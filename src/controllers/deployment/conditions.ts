// Deployment status as typed data, and its conditions (Available, Progressing, ReplicaFailure)
// with Kubernetes' rules for when lastTransitionTime moves.
import { isObject, numAt, strAt } from "../../api/resources/json.js";
import type { KubeObject } from "../../api/types.js";

export type ConditionStatus = "True" | "False" | "Unknown";

export interface DeploymentCondition {
  type: string;
  status: ConditionStatus;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  terminatingReplicas?: number;
  collisionCount?: number;
  conditions?: DeploymentCondition[];
}

export const Reasons = {
  newRsCreated: "NewReplicaSetCreated",
  foundNewRs: "FoundNewReplicaSet",
  rsUpdated: "ReplicaSetUpdated",
  newRsAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  failedRsCreate: "ReplicaSetCreateError",
  minAvailable: "MinimumReplicasAvailable",
  minUnavailable: "MinimumReplicasUnavailable",
} as const;

/** metav1.Time's wire form: RFC 3339 to the second. */
export function timeString(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

function readCondition(v: unknown): DeploymentCondition | undefined {
  const type = strAt(v, "type");
  const status = strAt(v, "status");
  if (!type || (status !== "True" && status !== "False" && status !== "Unknown")) return undefined;
  const out: DeploymentCondition = { type, status };
  for (const k of ["lastUpdateTime", "lastTransitionTime", "reason", "message"] as const) {
    const s = strAt(v, k);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** The Deployment's status, read into typed form (unknown members dropped). */
export function readStatus(d: KubeObject): DeploymentStatus {
  const s = isObject(d.status) ? d.status : {};
  const out: DeploymentStatus = {};
  const ints = [
    "observedGeneration",
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "terminatingReplicas",
    "collisionCount",
  ] as const;
  for (const k of ints) {
    const n = numAt(s, k);
    if (n !== undefined) out[k] = n;
  }
  if (Array.isArray(s.conditions)) {
    out.conditions = s.conditions.map(readCondition).filter((c): c is DeploymentCondition => !!c);
  }
  return out;
}

export function getCondition(s: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return s.conditions?.find((c) => c.type === type);
}

export function newCondition(
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
  now: Date,
): DeploymentCondition {
  const t = timeString(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/**
 * Sets `c` on `s` (mutated). Nothing changes when a condition of that type already has the same
 * status and reason; a condition whose status stays keeps its lastTransitionTime.
 */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(s, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status && cur.lastTransitionTime !== undefined)
    next.lastTransitionTime = cur.lastTransitionTime;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (!s.conditions) return;
  s.conditions = s.conditions.filter((c) => c.type !== type);
}

/** The status as the API serves it: zero counts and empty lists omitted (Go's omitempty). */
export function statusJson(s: DeploymentStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}
