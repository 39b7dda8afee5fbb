// Recreate: every old ReplicaSet goes to 0 and their pods must be gone before the new
// ReplicaSet is created (or reused) and scaled up to the full count.
import type { KubeObject } from "../../api/types.js";
import { controllerRef, isPodTerminated, labels } from "../pod-util.js";
import type { SyncState } from "./deps.js";
import { cleanupDeployment } from "./history.js";
import { getAllReplicaSetsAndSyncRevision } from "./new-rs.js";
import { scaleReplicaSet } from "./ops.js";
import { activeOf, deploymentSpec, rsReplicas, sumStatus } from "./spec.js";
import { readStatus } from "./conditions.js";
import { deploymentComplete } from "./status.js";
import { syncRolloutStatus } from "./sync.js";

/** True while a pod of an old ReplicaSet of `rsList` has not finished (deleted or terminated). */
export function oldPodsRunning(
  newRS: KubeObject | undefined,
  oldRSs: KubeObject[],
  pods: KubeObject[],
): boolean {
  if (sumStatus(oldRSs, "replicas") > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const uid = controllerRef(pod)?.uid;
    return uid !== undefined && uid !== newRS?.metadata.uid && oldUids.has(uid) && !isPodTerminated(pod);
  });
}

export async function rolloutRecreate(s: SyncState, rsList: KubeObject[]): Promise<void> {
  const first = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
  const oldRSs = [...first.oldRSs];
  let scaledDown = false;
  for (const rs of activeOf(oldRSs)) {
    oldRSs[oldRSs.indexOf(rs)] = (await scaleReplicaSet(s, rs, 0)).rs;
    scaledDown = true;
  }
  const all = (n: KubeObject | undefined): KubeObject[] => [...oldRSs, ...(n ? [n] : [])];
  if (scaledDown) return syncRolloutStatus(s, all(first.newRS), first.newRS);

  const spec = deploymentSpec(s.d);
  const pods = s.deps.podInformer
    .items()
    .filter(
      (p) =>
        p.metadata.namespace === s.d.metadata.namespace && labels.matches(spec.selector, p.metadata.labels),
    );
  if (oldPodsRunning(first.newRS, oldRSs, pods)) return syncRolloutStatus(s, all(first.newRS), first.newRS);

  let newRS = first.newRS ?? (await getAllReplicaSetsAndSyncRevision(s, rsList, true)).newRS;
  if (!newRS) throw new Error("recreate: no new replica set");
  if (rsReplicas(newRS) !== spec.replicas) newRS = (await scaleReplicaSet(s, newRS, spec.replicas)).rs;
  if (deploymentComplete(s.d, readStatus(s.d))) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, all(newRS), newRS);
}
