// progressDeadlineSeconds: the Progressing condition a rollout carries (progressing, complete,
// timed out, paused), the ReplicaSets' failures, and when to look again for a deadline.
import { isObject, listAt, strAt } from "../../api/resources/json.js";
import type { KubeObject } from "../../api/types.js";
import {
  type DeploymentStatus,
  getCondition,
  newCondition,
  readStatus,
  Reasons,
  removeCondition,
  setCondition,
} from "./conditions.js";
import { deploymentSpec, hasDeadline } from "./spec.js";
import { deploymentComplete } from "./status.js";

const PROGRESSING = "Progressing";

/** Any sign of progress since the stored status: more updated, fewer old, more ready or available. */
export function deploymentProgressing(d: KubeObject, next: DeploymentStatus): boolean {
  const old = readStatus(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** The Progressing condition's last update is older than the deadline (or already timed out). */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: Date): boolean {
  if (!hasDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c || c.reason === Reasons.newRsAvailable) return false;
  if (c.reason === Reasons.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? "");
  if (Number.isNaN(from)) return false;
  return from + (deploymentSpec(d).progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/** Sets the Progressing condition on `next` (mutated) as a rollout step leaves it (syncRolloutStatus). */
export function applyProgress(
  d: KubeObject,
  next: DeploymentStatus,
  newRS: KubeObject | undefined,
  now: Date,
): void {
  if (!hasDeadline(d)) removeCondition(next, PROGRESSING);
  const cur = getCondition(readStatus(d), PROGRESSING);
  const complete = next.replicas === next.updatedReplicas && cur?.reason === Reasons.newRsAvailable;
  if (!hasDeadline(d) || complete) return;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, next)) {
    setCondition(
      next,
      newCondition(
        PROGRESSING,
        "True",
        Reasons.newRsAvailable,
        `${subject} has successfully progressed.`,
        now,
      ),
    );
  } else if (deploymentProgressing(d, next)) {
    const c = newCondition(PROGRESSING, "True", Reasons.rsUpdated, `${subject} is progressing.`, now);
    if (cur?.status === "True" && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
    removeCondition(next, PROGRESSING);
    setCondition(next, c);
  } else if (deploymentTimedOut(d, next, now)) {
    setCondition(
      next,
      newCondition(PROGRESSING, "False", Reasons.timedOut, `${subject} has timed out progressing.`, now),
    );
  }
}

/** Copies the first ReplicaFailure=True condition of the ReplicaSets (new first) onto `next`. */
export function applyReplicaFailure(next: DeploymentStatus, allRSs: KubeObject[], now: Date): void {
  for (const rs of allRSs) {
    const c = listAt(rs.status, "conditions").find(
      (x) => isObject(x) && x.type === "ReplicaFailure" && x.status === "True",
    );
    if (c) {
      const failure = newCondition(
        "ReplicaFailure",
        "True",
        strAt(c, "reason") ?? "",
        strAt(c, "message") ?? "",
        now,
      );
      const t = strAt(c, "lastTransitionTime");
      if (t) failure.lastTransitionTime = failure.lastUpdateTime = t;
      setCondition(next, failure);
      return;
    }
  }
  removeCondition(next, "ReplicaFailure");
}

/**
 * Milliseconds until the Deployment should be synced again to check its deadline, or undefined
 * when nothing is pending (no deadline, complete, already timed out).
 */
export function deadlineRequeueMs(d: KubeObject, next: DeploymentStatus, now: Date): number | undefined {
  const c = getCondition(readStatus(d), PROGRESSING);
  if (!hasDeadline(d) || !c || deploymentComplete(d, next) || c.reason === Reasons.timedOut) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? "");
  if (Number.isNaN(from)) return undefined;
  const after = from + (deploymentSpec(d).progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  // A second past the deadline, so that the next sync sees it passed.
  return Math.max(0, after) + 1000;
}

/**
 * The Progressing condition for pausing (Unknown/DeploymentPaused) or resuming
 * (Unknown/DeploymentResumed), set on `s` (mutated); true when it changed. A timed-out rollout
 * keeps its ProgressDeadlineExceeded.
 */
export function applyPaused(d: KubeObject, s: DeploymentStatus, now: Date): boolean {
  if (!hasDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (c?.reason === Reasons.timedOut) return false;
  const pausedShown = c?.reason === Reasons.paused;
  const paused = deploymentSpec(d).paused;
  if (paused && !pausedShown) {
    setCondition(s, newCondition(PROGRESSING, "Unknown", Reasons.paused, "Deployment is paused", now));
    return true;
  }
  if (!paused && pausedShown) {
    setCondition(s, newCondition(PROGRESSING, "Unknown", Reasons.resumed, "Deployment is resumed", now));
    return true;
  }
  return false;
}
