// The DaemonSet controller's pure decisions: per node, which pods to create or delete; which old
// pods a rolling update may replace within maxUnavailable; and the status they amount to.
import type { KubeObject } from "../../api/types.js";
import { isPodAvailable, isPodReady, rec } from "../pod-util.js";
import { isPodUpdated } from "./pod.js";
import type { Placement } from "./placement.js";
import { surgeExtras, type SurgeContext } from "./surge.js";

export interface NodeState {
  name: string;
  placement: Placement;
  /** The daemon pods on the node that are running or pending (not finished, not being deleted), oldest first. */
  pods: KubeObject[];
  /** Finished (Failed/Succeeded) daemon pods on the node, to be deleted and replaced. */
  finished: KubeObject[];
  /**
   * Daemon pods being deleted that have not finished yet: the node still runs them, so no
   * replacement starts there until they are gone (k8s, without maxSurge).
   */
  terminating: KubeObject[];
}

export interface Plan {
  create: string[];
  delete: KubeObject[];
}

/**
 * k8s podsShouldBeOnNode over every node: missing pods, extra pods, misplaced and finished pods.
 * With `surge`, a node keeps an old pod beside its new one until the new one is available.
 */
export function manage(states: readonly NodeState[], surge?: SurgeContext): Plan {
  const plan: Plan = { create: [], delete: [] };
  for (const s of states) {
    if (s.placement.shouldContinueRunning) {
      plan.delete.push(...s.finished, ...(surge ? surgeExtras(s.pods, surge) : s.pods.slice(1)));
      const replacing = surge === undefined && s.terminating.length > 0;
      if (s.placement.shouldRun && s.pods.length === 0 && !replacing) plan.create.push(s.name);
    } else {
      plan.delete.push(...s.pods, ...s.finished);
    }
  }
  return plan;
}

/** An int or a percent of `desired` (rounded up), as k8s scales DaemonSet rolling parameters. */
function scaled(v: unknown, desired: number, fallback: number): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) * desired) / 100);
  return fallback;
}

const rollingUpdate = (ds: KubeObject) => rec(rec(rec(ds.spec).updateStrategy).rollingUpdate);

/** spec.updateStrategy.rollingUpdate.maxSurge against `desired` nodes (default 0). */
export function maxSurge(ds: KubeObject, desired: number): number {
  return Math.max(0, scaled(rollingUpdate(ds).maxSurge, desired, 0));
}

/**
 * spec.updateStrategy.rollingUpdate.maxUnavailable against `desired` nodes (default 1); 0 only
 * with a surge, as k8s falls back to 1 when both are 0.
 */
export function maxUnavailable(ds: KubeObject, desired: number): number {
  const n = Math.max(0, scaled(rollingUpdate(ds).maxUnavailable, desired, 1));
  return n === 0 && maxSurge(ds, desired) === 0 ? 1 : n;
}

export function isRollingUpdate(ds: KubeObject): boolean {
  const type = rec(rec(ds.spec).updateStrategy).type;
  return type === undefined || type === "RollingUpdate";
}

/**
 * Old pods to delete for a rolling update (k8s rollingUpdate with maxSurge 0): old pods that are
 * not available go at once; available ones only while fewer than `maxUnavailable` nodes that
 * should run the daemon lack an available up-to-date pod.
 */
export function rollingDeletes(
  states: readonly NodeState[],
  hash: string,
  maxUnavail: number,
  minReadySeconds: number,
  now: Date,
): KubeObject[] {
  let unavailable = 0;
  const replaceNow: KubeObject[] = [];
  const candidates: KubeObject[] = [];
  for (const s of states) {
    if (!s.placement.shouldRun && s.pods.length === 0) continue;
    const pod = s.pods[0];
    if (!pod) {
      unavailable++;
      continue;
    }
    const available = isPodAvailable(pod, minReadySeconds, now);
    if (isPodUpdated(pod, hash)) {
      if (!available) unavailable++;
    } else if (!available) replaceNow.push(pod);
    else candidates.push(pod);
  }
  const room = Math.max(0, maxUnavail - unavailable - replaceNow.length);
  return [...replaceNow, ...candidates.slice(0, room)];
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export function calculateStatus(
  ds: KubeObject,
  states: readonly NodeState[],
  hash: string,
  now: Date,
): DaemonSetStatus {
  const minReady = Number(rec(ds.spec).minReadySeconds) || 0;
  const s: DaemonSetStatus = {
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    desiredNumberScheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  for (const n of states) {
    const pod = n.pods[0];
    if (!n.placement.shouldRun) {
      if (pod) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (!pod) continue;
    s.currentNumberScheduled++;
    if (isPodReady(pod)) s.numberReady++;
    if (isPodAvailable(pod, minReady, now)) s.numberAvailable++;
    if (isPodUpdated(pod, hash)) s.updatedNumberScheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  if (ds.metadata.generation !== undefined) s.observedGeneration = ds.metadata.generation;
  return s;
}

export function statusEqual(stored: unknown, next: DaemonSetStatus): boolean {
  const s = rec(stored);
  return (Object.keys(next) as (keyof DaemonSetStatus)[]).every((k) =>
    k === "observedGeneration" ? s[k] === next[k] : (typeof s[k] === "number" ? s[k] : 0) === next[k],
  );
}
