// Scaling without a rollout (a paused Deployment, or `kubectl scale` in the middle of one):
// replicas are shared proportionally among the active ReplicaSets; then status is written.
import type { KubeObject } from "../../api/types.js";
import { DESIRED_REPLICAS, intAnnotation, MAX_REPLICAS } from "./annotations.js";
import { readStatus } from "./conditions.js";
import type { SyncState } from "./deps.js";
import { cleanupDeployment } from "./history.js";
import { getAllReplicaSetsAndSyncRevision } from "./new-rs.js";
import { scaleReplicaSet, writeStatus } from "./ops.js";
import { activeOf, byCreation, deploymentSpec, rsReplicas, rsStatus, sumReplicas } from "./spec.js";
import { applyProgress, applyReplicaFailure, deadlineRequeueMs } from "./progress.js";
import { calculateStatus } from "./status.js";
import { maxSurge, proportion } from "./util.js";

/** A scaling event: an active ReplicaSet was sized for a different replica count. */
export async function isScalingEvent(s: SyncState, rsList: KubeObject[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
  const want = deploymentSpec(s.d).replicas;
  return activeOf([...oldRSs, ...(newRS ? [newRS] : [])]).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== want;
  });
}

/** Scales without rolling out, cleans up history when paused, and writes status. */
export async function syncScaling(s: SyncState, rsList: KubeObject[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
  const sized = await scale(s, newRS, oldRSs);
  if (deploymentSpec(s.d).paused) await cleanupDeployment(s, sized.oldRSs);
  await syncDeploymentStatus(s, [...sized.oldRSs, ...(sized.newRS ? [sized.newRS] : [])], sized.newRS);
}

/** The only active ReplicaSet, or the newest one when none is active; undefined if several are. */
function activeOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const all = activeOf([...newestFirst, ...(newRS ? [newRS] : [])]);
  if (all.length === 1) return all[0];
  if (all.length === 0) return newRS ?? newestFirst[0];
  return undefined;
}

function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const want = deploymentSpec(d).replicas;
  return (
    rsReplicas(rs) === want &&
    intAnnotation(rs, DESIRED_REPLICAS) === want &&
    rsStatus(rs).availableReplicas === want
  );
}

/** The ReplicaSets after `scale`, as written. */
interface Sized {
  newRS: KubeObject | undefined;
  oldRSs: KubeObject[];
}

/** Brings the ReplicaSets' sizes to the Deployment's replica count (dc.scale). */
export async function scale(
  s: SyncState,
  newRS: KubeObject | undefined,
  oldRSs: KubeObject[],
): Promise<Sized> {
  const spec = deploymentSpec(s.d);
  const written = new Map<KubeObject, KubeObject>();
  const result = (): Sized => ({
    newRS: newRS && (written.get(newRS) ?? newRS),
    oldRSs: oldRSs.map((rs) => written.get(rs) ?? rs),
  });
  const only = activeOrLatest(newRS, oldRSs);
  if (only) {
    if (rsReplicas(only) !== spec.replicas)
      written.set(only, (await scaleReplicaSet(s, only, spec.replicas)).rs);
    return result();
  }
  if (isSaturated(s.d, newRS)) {
    for (const old of activeOf(oldRSs)) written.set(old, (await scaleReplicaSet(s, old, 0)).rs);
    return result();
  }
  if (spec.strategy !== "RollingUpdate") return result();
  const active = activeOf([...oldRSs, ...(newRS ? [newRS] : [])]);
  const allowed = spec.replicas > 0 ? spec.replicas + maxSurge(spec) : 0;
  const toAdd = allowed - sumReplicas(active);
  // Larger first; among equals newer first when growing, older first when shrinking.
  active.sort((a, b) => rsReplicas(b) - rsReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  const statusReplicas = readStatus(s.d).replicas ?? 0;
  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const input = { size: rsReplicas(rs), annotatedMax: intAnnotation(rs, MAX_REPLICAS), statusReplicas };
    const p = proportion(spec, input, toAdd, added);
    added += p;
    return rsReplicas(rs) + p;
  });
  // Leftovers go to the largest.
  if (active.length > 0 && toAdd !== 0) sizes[0] = Math.max(0, (sizes[0] ?? 0) + toAdd - added);
  for (const [i, rs] of active.entries()) written.set(rs, (await scaleReplicaSet(s, rs, sizes[i] ?? 0)).rs);
  return result();
}

/** Writes the status computed from the ReplicaSets (no progress estimation). */
export async function syncDeploymentStatus(
  s: SyncState,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
): Promise<void> {
  await writeStatus(s, calculateStatus(s.d, allRSs, newRS, s.deps.clock.now()));
}

/** Writes the status with its Progressing condition and asks for a resync at the deadline. */
export async function syncRolloutStatus(
  s: SyncState,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
): Promise<void> {
  const now = s.deps.clock.now();
  const next = calculateStatus(s.d, allRSs, newRS, now);
  applyProgress(s.d, next, newRS, now);
  applyReplicaFailure(next, newRS ? [newRS, ...allRSs.filter((rs) => rs !== newRS)] : allRSs, now);
  const requeue = deadlineRequeueMs(s.d, next, now);
  await writeStatus(s, next);
  if (requeue !== undefined) s.deps.queue.addAfter(s.key, requeue);
}
