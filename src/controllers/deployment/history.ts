// revisionHistoryLimit: the oldest old ReplicaSets beyond the limit are deleted once they have
// no replicas left (and their controller has seen that), so `rollout undo` has that much history.
import type { KubeObject } from "../../api/types.js";
import { revisionOf } from "./annotations.js";
import { FIELD_MANAGER, type SyncState } from "./deps.js";
import { byCreation, deploymentSpec, rsReplicas, rsStatus } from "./spec.js";

/** Old ReplicaSets to delete: beyond `limit`, lowest revision first, only when empty. */
export function replicaSetsToClean(oldRSs: KubeObject[], limit: number): KubeObject[] {
  const alive = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  return byRevision.slice(0, excess).filter((rs) => {
    const st = rsStatus(rs);
    return (
      st.replicas === 0 && rsReplicas(rs) === 0 && (rs.metadata.generation ?? 0) <= st.observedGeneration
    );
  });
}

export async function cleanupDeployment(s: SyncState, oldRSs: KubeObject[]): Promise<void> {
  const limit = deploymentSpec(s.d).revisionHistoryLimit;
  if (limit === undefined) return;
  for (const rs of replicaSetsToClean(oldRSs, limit)) {
    try {
      await s.deps.replicaSets.delete(rs.metadata.namespace, rs.metadata.name ?? "", {
        fieldManager: FIELD_MANAGER,
        preconditions: { uid: rs.metadata.uid },
      });
    } catch (err) {
      if (!(err instanceof Error && "reason" in err && err.reason === "NotFound")) throw err;
    }
  }
}
