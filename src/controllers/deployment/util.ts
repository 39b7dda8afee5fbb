// The Deployment controller's arithmetic, kept pure: surge/unavailable fenceposts, how far a
// rolling step may scale the new and old ReplicaSets, and proportional scaling shares.
import type { DeploymentSpecView, IntOrPercent, RollingParams } from "./spec.js";

/** An int-or-percent against `total`: percents round up or down, plain numbers pass through. */
export function resolveIntOrPercent(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid int-or-percent value ${JSON.stringify(v)}`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge (rounded up) and maxUnavailable (rounded down); both 0 makes unavailable 1. */
export function resolveFenceposts(r: RollingParams, desired: number): { surge: number; unavailable: number } {
  const surge = resolveIntOrPercent(r.maxSurge, desired, true);
  const unavailable = resolveIntOrPercent(r.maxUnavailable, desired, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** Pods a rollout may run above `replicas` (0 for Recreate). */
export function maxSurge(d: DeploymentSpecView): number {
  if (d.strategy !== "RollingUpdate") return 0;
  return resolveFenceposts(d.rolling, d.replicas).surge;
}

/** Pods a rollout may have unavailable below `replicas` (0 for Recreate), at most `replicas`. */
export function maxUnavailable(d: DeploymentSpecView): number {
  if (d.strategy !== "RollingUpdate" || d.replicas === 0) return 0;
  return Math.min(resolveFenceposts(d.rolling, d.replicas).unavailable, d.replicas);
}

/**
 * The size the new ReplicaSet may grow to now: for RollingUpdate, up to `replicas + maxSurge`
 * pods in all ReplicaSets together (never beyond `replicas` for itself); for Recreate, `replicas`.
 */
export function newReplicaSetSize(d: DeploymentSpecView, allReplicas: number, newReplicas: number): number {
  if (d.strategy === "Recreate") return d.replicas;
  const maxTotal = d.replicas + maxSurge(d);
  if (allReplicas >= maxTotal) return newReplicas;
  const up = Math.min(maxTotal - allReplicas, d.replicas - newReplicas);
  return newReplicas + Math.max(0, up);
}

/**
 * How many old pods may go in this step without taking the Deployment below
 * `replicas - maxUnavailable`, counting the new ReplicaSet's not-yet-available pods as gone.
 */
export function maxScaleDown(
  d: DeploymentSpecView,
  c: { allReplicas: number; newReplicas: number; newAvailable: number },
): number {
  const minAvailable = d.replicas - maxUnavailable(d);
  return c.allReplicas - minAvailable - (c.newReplicas - c.newAvailable);
}

/** How many available old pods may go while `available` stays >= `replicas - maxUnavailable`. */
export function availableScaleDown(d: DeploymentSpecView, available: number): number {
  return Math.max(0, available - (d.replicas - maxUnavailable(d)));
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export interface ProportionInput {
  /** spec.replicas of the ReplicaSet. */
  size: number;
  /** Its max-replicas annotation (undefined: absent). */
  annotatedMax: number | undefined;
  /** The Deployment's status.replicas, used when the annotation is missing. */
  statusReplicas: number;
}

/** The change in size a ReplicaSet would get if the whole Deployment were scaled proportionally. */
export function replicaSetFraction(d: DeploymentSpecView, rs: ProportionInput): number {
  if (d.replicas === 0) return -rs.size;
  const deploymentReplicas = d.replicas + maxSurge(d);
  const annotated = rs.annotatedMax ?? rs.statusReplicas;
  if (annotated === 0) return 0;
  return roundHalfAway((rs.size * deploymentReplicas) / annotated) - rs.size;
}

/**
 * This ReplicaSet's share of `toAdd` (negative: to remove) when `added` is already handed out:
 * its proportional fraction, never beyond what is left.
 */
export function proportion(d: DeploymentSpecView, rs: ProportionInput, toAdd: number, added: number): number {
  if (rs.size === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(d, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
