// One level-triggered pass over a ReplicaSet (k8s syncReplicaSet): claim its pods, replace
// finished ones, bring the active count to spec.replicas when no earlier writes are still in
// flight, then write status if it changed and come back when a pod is due to become available.
import type { KubeObject } from "../../api/types.js";
import { claimObjects, isNotFound, ownerStillValid } from "../controller-ref.js";
import {
  controllerRef,
  isPodActive,
  isPodTerminated,
  msUntilAvailable,
  podConditions,
  isPodAvailable,
  rec,
  selectorOf,
  splitKey,
} from "../pod-util.js";
import { FIELD_MANAGER, type ReplicaSetDeps } from "./deps.js";
import { manageReplicas, type ManageFailure } from "./manage.js";
import { calculateStatus, statusEqual, withFailure, type ReplicaSetStatus } from "./util.js";

export async function syncReplicaSet(d: ReplicaSetDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const rs = d.rsInformer.get(namespace, name);
  if (!rs) {
    d.expectations.delete(key);
    return;
  }
  const selector = selectorOf(rec(rs.spec).selector);
  const inNamespace = d.podInformer.items().filter((p) => p.metadata.namespace === namespace);
  const active = await claimObjects({
    owner: rs,
    candidates: inNamespace.filter(isPodActive),
    matches: (p) => selector.matches(p.metadata.labels ?? {}),
    api: d.pods,
    fieldManager: FIELD_MANAGER,
    canAdopt: ownerStillValid(d.replicaSets, rs),
  });
  let failure: ManageFailure | undefined;
  if (d.expectations.satisfied(key) && rs.metadata.deletionTimestamp === undefined) {
    await deleteFinished(d, rs, inNamespace);
    failure = await manageReplicas(d, rs, active);
  }
  const now = d.clock.now();
  const status = withFailure(calculateStatus(rs, active, now), podConditions(rs), failure, now);
  await writeStatus(d, rs, status);
  requeueForAvailability(d, key, rs, active, now);
  if (failure) throw new Error(`${failure.reason}: ${failure.message}`);
}

/** Finished pods (Failed/Succeeded) of the set are deleted; the active count replaces them. */
async function deleteFinished(d: ReplicaSetDeps, rs: KubeObject, pods: readonly KubeObject[]): Promise<void> {
  const uid = rs.metadata.uid;
  const finished = pods.filter(
    (p) => isPodTerminated(p) && p.metadata.deletionTimestamp === undefined && controllerRef(p)?.uid === uid,
  );
  await Promise.all(
    finished.map((p) =>
      d.pods
        .delete(p.metadata.namespace, p.metadata.name ?? "", { fieldManager: FIELD_MANAGER })
        .catch((err: unknown) => {
          if (!isNotFound(err))
            d.logger.warn({ err, pod: p.metadata.name }, "deleting a finished pod failed");
        }),
    ),
  );
}

async function writeStatus(d: ReplicaSetDeps, rs: KubeObject, status: ReplicaSetStatus): Promise<void> {
  if (statusEqual(rs.status, status)) return;
  const next: KubeObject = { ...rs, status: { ...rec(rs.status), ...status } };
  if (!status.conditions) delete (next.status as Record<string, unknown>).conditions;
  try {
    await d.replicaSets.updateStatus(next, { fieldManager: FIELD_MANAGER });
  } catch (err) {
    if (isNotFound(err)) return;
    if (!(err instanceof Error && "reason" in err && err.reason === "Conflict")) throw err;
    // The cache is behind: write the status onto the fresh object once.
    const fresh = await d.replicaSets.find(rs.metadata.namespace, rs.metadata.name ?? "");
    if (!fresh || fresh.metadata.uid !== rs.metadata.uid) return;
    const retry: KubeObject = { ...fresh, status: { ...rec(fresh.status), ...status } };
    if (!status.conditions) delete (retry.status as Record<string, unknown>).conditions;
    await d.replicaSets.updateStatus(retry, { fieldManager: FIELD_MANAGER });
  }
}

function requeueForAvailability(
  d: ReplicaSetDeps,
  key: string,
  rs: KubeObject,
  pods: readonly KubeObject[],
  now: Date,
): void {
  const minReady = Number(rec(rs.spec).minReadySeconds) || 0;
  if (minReady <= 0) return;
  const waits = pods
    .filter((p) => !isPodAvailable(p, minReady, now))
    .map((p) => msUntilAvailable(p, minReady, now))
    .filter((ms): ms is number => ms !== undefined);
  if (waits.length) d.queue.addAfter(key, Math.max(1, Math.min(...waits)) + 1);
}
