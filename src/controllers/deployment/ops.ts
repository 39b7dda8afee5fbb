// The Deployment controller's writes: resizing a ReplicaSet (with its replica annotations), the
// Deployment's status (only when it changed) and its revision annotation.
import type { KubeObject } from "../../api/types.js";
import { REVISION, setReplicasAnnotations } from "./annotations.js";
import { type DeploymentStatus, statusJson } from "./conditions.js";
import { FIELD_MANAGER, type SyncState } from "./deps.js";
import { recordEvent } from "./events.js";
import { deploymentSpec, rsReplicas } from "./spec.js";
import { statusChanged } from "./status.js";
import { maxSurge } from "./util.js";

export interface ScaleResult {
  /** spec.replicas changed. */
  scaled: boolean;
  rs: KubeObject;
}

/**
 * Sets a ReplicaSet's size to `size` and its desired/max-replicas annotations to the Deployment's
 * (one update; a stale cache is a Conflict and the sync is retried). Records ScalingReplicaSet.
 */
export async function scaleReplicaSet(s: SyncState, rs: KubeObject, size: number): Promise<ScaleResult> {
  const spec = deploymentSpec(s.d);
  const next = structuredClone(rs);
  const annotationsChanged = setReplicasAnnotations(next, spec.replicas, spec.replicas + maxSurge(spec));
  const from = rsReplicas(rs);
  if (from === size && !annotationsChanged) return { scaled: false, rs };
  next.spec = { ...(next.spec as object), replicas: size };
  const written = await s.deps.replicaSets.update(next, { fieldManager: FIELD_MANAGER });
  if (from !== size) {
    const verb = size > from ? "up" : "down";
    await recordEvent(
      s,
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${size}`,
    );
  }
  return { scaled: from !== size, rs: written };
}

/** Writes `status` through /status when it differs from the stored one. */
export async function writeStatus(s: SyncState, status: DeploymentStatus): Promise<void> {
  if (!statusChanged(s.d, status)) return;
  const written = await s.deps.deployments.updateStatus(
    { ...s.d, status: statusJson(status) },
    { fieldManager: FIELD_MANAGER },
  );
  s.d = keepSpec(s.d, written);
}

/** Sets the Deployment's revision annotation (a metadata patch; status cannot carry it). */
export async function setDeploymentRevision(s: SyncState, revision: string): Promise<void> {
  if (s.d.metadata.annotations?.[REVISION] === revision) return;
  const written = await s.deps.deployments.patch(
    s.d.metadata.namespace,
    s.d.metadata.name ?? "",
    "merge",
    { metadata: { annotations: { [REVISION]: revision }, uid: s.d.metadata.uid } },
    { fieldManager: FIELD_MANAGER },
  );
  s.d = keepSpec(s.d, written);
}

/**
 * The written object's metadata and status with the spec and generation this sync works on: a
 * spec changed meanwhile is handled by the next sync, and observedGeneration must not claim it.
 */
function keepSpec(d: KubeObject, written: KubeObject): KubeObject {
  return {
    ...written,
    spec: d.spec,
    metadata: { ...written.metadata, generation: d.metadata.generation },
  };
}
