// Brings a ReplicaSet's active pods to spec.replicas: creates in slow-start batches or deletes
// the lowest-ranked pods, recording expectations first so a lagging cache never repeats them,
// and an event per pod created or deleted (or failing to be), as k8s' pod control does.
import type { KubeObject } from "../../api/types.js";
import { isNotFound } from "../controller-ref.js";
import { generateNamePrefix, objectKey, podFromTemplate, rec } from "../pod-util.js";
import { FIELD_MANAGER, type ReplicaSetDeps } from "./deps.js";
import { podsToDelete, slowStartBatches } from "./util.js";

export interface ManageFailure {
  reason: "FailedCreate" | "FailedDelete";
  message: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A namespace being deleted refuses creations; that is not the ReplicaSet's failure. */
function namespaceTerminating(err: unknown): boolean {
  return (
    err instanceof Error && "reason" in err && err.reason === "Forbidden" && /terminat/i.test(err.message)
  );
}

export async function manageReplicas(
  d: ReplicaSetDeps,
  rs: KubeObject,
  active: readonly KubeObject[],
): Promise<ManageFailure | undefined> {
  const key = objectKey(rs);
  const want = Math.max(0, Number(rec(rs.spec).replicas ?? 1) || 0);
  const diff = active.length - want;
  if (diff < 0) return createPods(d, rs, Math.min(-diff, d.burstReplicas));
  if (diff > 0) {
    const victims = podsToDelete(active, Math.min(diff, d.burstReplicas));
    d.expectations.expectDeletions(key, victims.map(objectKey));
    const errors = await Promise.all(
      victims.map(async (p) => {
        try {
          await d.pods.delete(p.metadata.namespace, p.metadata.name ?? "", {
            fieldManager: FIELD_MANAGER,
            preconditions: { uid: p.metadata.uid ?? "" },
          });
          d.events.record(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name ?? ""}`);
          return undefined;
        } catch (err) {
          d.expectations.deletionSkipped(key, objectKey(p));
          if (isNotFound(err)) return undefined;
          d.events.record(rs, "Warning", "FailedDelete", `Error deleting: ${message(err)}`);
          return err;
        }
      }),
    );
    const err = errors.find((e) => e !== undefined);
    if (err !== undefined) return { reason: "FailedDelete", message: message(err) };
  }
  return undefined;
}

async function createPods(d: ReplicaSetDeps, rs: KubeObject, n: number): Promise<ManageFailure | undefined> {
  const key = objectKey(rs);
  d.expectations.expectCreations(key, n);
  const template = rec(rs.spec).template;
  let attempted = 0;
  for (const size of slowStartBatches(n)) {
    attempted += size;
    const results = await Promise.all(
      Array.from({ length: size }, async () => {
        const pod = podFromTemplate(template, rs, {
          generateName: generateNamePrefix(rs.metadata.name ?? ""),
        });
        try {
          const created = await d.pods.create(pod, { fieldManager: FIELD_MANAGER });
          d.events.record(rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name ?? ""}`);
          return undefined;
        } catch (err) {
          d.expectations.creationSkipped(key);
          if (namespaceTerminating(err)) return undefined;
          d.events.record(rs, "Warning", "FailedCreate", `Error creating: ${message(err)}`);
          return err;
        }
      }),
    );
    const err = results.find((e) => e !== undefined);
    if (err !== undefined) {
      d.expectations.creationSkipped(key, n - attempted);
      d.logger.warn({ err, replicaSet: key }, "creating pods failed");
      return { reason: "FailedCreate", message: message(err) };
    }
  }
  return undefined;
}
