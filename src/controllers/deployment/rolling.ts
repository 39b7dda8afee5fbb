// RollingUpdate: each sync takes one step — grow the new ReplicaSet within maxSurge, or shrink
// old ones while available pods stay >= replicas - maxUnavailable — then writes status.
import type { KubeObject } from "../../api/types.js";
import type { SyncState } from "./deps.js";
import { cleanupDeployment } from "./history.js";
import { getAllReplicaSetsAndSyncRevision } from "./new-rs.js";
import { scaleReplicaSet } from "./ops.js";
import {
  activeOf,
  availableOf,
  byCreation,
  deploymentSpec,
  rsReplicas,
  sumAvailable,
  sumReplicas,
} from "./spec.js";
import { readStatus } from "./conditions.js";
import { deploymentComplete } from "./status.js";
import { syncRolloutStatus } from "./sync.js";
import { availableScaleDown, maxScaleDown, newReplicaSetSize } from "./util.js";

export async function rolloutRolling(s: SyncState, rsList: KubeObject[]): Promise<void> {
  const { newRS: found, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, true);
  if (!found) throw new Error("rolling update: no new replica set");
  let newRS = found;
  const up = await reconcileNewReplicaSet(s, [...oldRSs, newRS], newRS);
  newRS = up.rs;
  if (up.scaled) return syncRolloutStatus(s, [...oldRSs, newRS], newRS);
  const down = await reconcileOldReplicaSets(s, oldRSs, newRS);
  if (down.scaled) return syncRolloutStatus(s, [...down.oldRSs, newRS], newRS);
  if (deploymentComplete(s.d, readStatus(s.d))) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, [...oldRSs, newRS], newRS);
}

async function reconcileNewReplicaSet(
  s: SyncState,
  allRSs: KubeObject[],
  newRS: KubeObject,
): Promise<{ scaled: boolean; rs: KubeObject }> {
  const spec = deploymentSpec(s.d);
  const size = rsReplicas(newRS);
  if (size === spec.replicas) return { scaled: false, rs: newRS };
  const target = size > spec.replicas ? spec.replicas : newReplicaSetSize(spec, sumReplicas(allRSs), size);
  return scaleReplicaSet(s, newRS, target);
}

/** Scales old ReplicaSets down as far as availability allows: unhealthy replicas first. */
async function reconcileOldReplicaSets(
  s: SyncState,
  oldRSs: KubeObject[],
  newRS: KubeObject,
): Promise<{ scaled: boolean; oldRSs: KubeObject[] }> {
  const spec = deploymentSpec(s.d);
  const current = [...oldRSs];
  const active = activeOf(current);
  if (sumReplicas(active) === 0) return { scaled: false, oldRSs: current };
  const budget = maxScaleDown(spec, {
    allReplicas: sumReplicas([...current, newRS]),
    newReplicas: rsReplicas(newRS),
    newAvailable: availableOf(newRS),
  });
  if (budget <= 0) return { scaled: false, oldRSs: current };
  const replace = (from: KubeObject, to: KubeObject): void => {
    current[current.indexOf(from)] = to;
  };

  // Unavailable old replicas go first: removing them costs no availability.
  let cleaned = 0;
  for (const rs of activeOf(current).sort(byCreation)) {
    if (cleaned >= budget) break;
    const unhealthy = rsReplicas(rs) - availableOf(rs);
    if (unhealthy <= 0) continue;
    const n = Math.min(budget - cleaned, unhealthy);
    replace(rs, (await scaleReplicaSet(s, rs, rsReplicas(rs) - n)).rs);
    cleaned += n;
  }

  // Then available ones, while the Deployment keeps its minimum availability.
  let scaledDown = 0;
  const total = availableScaleDown(spec, sumAvailable([...current, newRS]));
  for (const rs of activeOf(current).sort(byCreation)) {
    if (scaledDown >= total) break;
    const n = Math.min(rsReplicas(rs), total - scaledDown);
    replace(rs, (await scaleReplicaSet(s, rs, rsReplicas(rs) - n)).rs);
    scaledDown += n;
  }
  return { scaled: cleaned + scaledDown > 0, oldRSs: current };
}
