// syncDeployment: one level-triggered pass over one Deployment — claim its ReplicaSets, then
// pause, scale or roll out by its strategy. Reads the informer caches; safe to run any time.
import type { KubeObject } from "../../api/types.js";
import { claimObjects, ownerStillValid } from "../controller-ref.js";
import { labels, splitKey } from "../pod-util.js";
import { readStatus } from "./conditions.js";
import { FIELD_MANAGER, type DeploymentDeps, type SyncState } from "./deps.js";
import { recordEvent } from "./events.js";
import { writeStatus } from "./ops.js";
import { applyPaused } from "./progress.js";
import { rolloutRecreate } from "./recreate.js";
import { rolloutRolling } from "./rolling.js";
import { deploymentSpec } from "./spec.js";
import { getAllReplicaSetsAndSyncRevision } from "./new-rs.js";
import { isScalingEvent, syncDeploymentStatus, syncScaling } from "./sync.js";

function selectsEverything(selector: Record<string, unknown>): boolean {
  const ml = selector.matchLabels;
  const me = selector.matchExpressions;
  const empty = (v: unknown): boolean =>
    v === undefined ||
    v === null ||
    (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v).length === 0);
  return empty(ml) && empty(me);
}

/** The ReplicaSets this Deployment controls, adopting matching orphans and releasing strays. */
async function replicaSetsFor(s: SyncState): Promise<KubeObject[]> {
  const spec = deploymentSpec(s.d);
  const candidates = s.deps.rsInformer
    .items()
    .filter((rs) => rs.metadata.namespace === s.d.metadata.namespace);
  return claimObjects({
    owner: s.d,
    ownerKind: "Deployment",
    candidates,
    matches: (rs) => labels.matches(spec.selector, rs.metadata.labels),
    api: s.deps.replicaSets,
    fieldManager: FIELD_MANAGER,
    canAdopt: ownerStillValid(s.deps.deployments, s.d),
  });
}

export async function syncDeployment(deps: DeploymentDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const cached = deps.deploymentInformer.get(namespace, name);
  if (!cached) return;
  const s: SyncState = { deps, d: structuredClone(cached), key };
  const spec = deploymentSpec(s.d);

  if (selectsEverything(spec.selector)) {
    await recordEvent(
      s,
      "Warning",
      "SelectingAll",
      "This deployment is selecting all pods. A non-empty selector is required.",
    );
    const status = readStatus(s.d);
    if ((status.observedGeneration ?? 0) < (s.d.metadata.generation ?? 0)) {
      status.observedGeneration = s.d.metadata.generation ?? 0;
      await writeStatus(s, status);
    }
    return;
  }

  const rsList = await replicaSetsFor(s);
  if (s.d.metadata.deletionTimestamp !== undefined) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
    return syncDeploymentStatus(s, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  const status = readStatus(s.d);
  if (applyPaused(s.d, status, deps.clock.now())) await writeStatus(s, status);

  if (spec.paused || (await isScalingEvent(s, rsList))) return syncScaling(s, rsList);
  return spec.strategy === "Recreate" ? rolloutRecreate(s, rsList) : rolloutRolling(s, rsList);
}
