// The Deployment's status computed from its ReplicaSets' (calculateStatus), and whether it
// differs from what is stored — status is written only when it changed.
import type { KubeObject } from "../../api/types.js";
import {
  type DeploymentStatus,
  newCondition,
  readStatus,
  Reasons,
  setCondition,
  statusJson,
} from "./conditions.js";
import { deploymentSpec, sumReplicas, sumStatus } from "./spec.js";
import { canonicalJson } from "./template.js";
import { maxUnavailable } from "./util.js";

/** Counts over all ReplicaSets, updatedReplicas from the new one, and the Available condition. */
export function calculateStatus(
  d: KubeObject,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
  now: Date,
): DeploymentStatus {
  const spec = deploymentSpec(d);
  const old = readStatus(d);
  const available = sumStatus(allRSs, "availableReplicas");
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allRSs, "replicas"),
    updatedReplicas: newRS ? sumStatus([newRS], "replicas") : 0,
    readyReplicas: sumStatus(allRSs, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumReplicas(allRSs) - available),
    ...(old.collisionCount !== undefined && { collisionCount: old.collisionCount }),
    conditions: [...(old.conditions ?? [])],
  };
  if (available >= spec.replicas - maxUnavailable(spec)) {
    setCondition(
      status,
      newCondition("Available", "True", Reasons.minAvailable, "Deployment has minimum availability.", now),
    );
  } else {
    setCondition(
      status,
      newCondition(
        "Available",
        "False",
        Reasons.minUnavailable,
        "Deployment does not have minimum availability.",
        now,
      ),
    );
  }
  return status;
}

/** True when `next` serialises differently from the Deployment's stored status. */
export function statusChanged(d: KubeObject, next: DeploymentStatus): boolean {
  return canonicalJson(statusJson(readStatus(d))) !== canonicalJson(statusJson(next));
}

/** All replicas updated, present and available, and the latest spec observed. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const want = deploymentSpec(d).replicas;
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}
