// Graceful deletion of Pods (Kubernetes' pod strategy): a pod bound to a node is only marked —
// deletionTimestamp = now + grace period — and its node agent deletes it (grace 0) once its
// containers are stopped. Unbound and finished pods, and every other kind, go at once.
import type { KubeObject } from "../types.js";
import type { ResourceDef } from "./deps.js";
import { isRecord, rfc3339 } from "./object-util.js";
import type { DeleteOptions } from "./options.js";

const DEFAULT_GRACE_SECONDS = 30;

/** The grace period a delete grants the object (0: delete now). */
export function gracePeriodSeconds(def: ResourceDef, obj: KubeObject, o: DeleteOptions): number {
  if (def.group !== "" || def.resource !== "pods") return 0;
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  if (typeof spec.nodeName !== "string" || spec.nodeName === "") return 0;
  if (status.phase === "Succeeded" || status.phase === "Failed") return 0;
  const fromSpec =
    typeof spec.terminationGracePeriodSeconds === "number" ? spec.terminationGracePeriodSeconds : undefined;
  const period = o.gracePeriodSeconds ?? fromSpec ?? DEFAULT_GRACE_SECONDS;
  return Math.max(0, Math.floor(period));
}

/**
 * Marks `next` as deleted for the grace period, only ever shortening an earlier one. Answers
 * whether the object stays (grace left or finalizers pending).
 */
export function markDeleted(
  next: KubeObject,
  current: KubeObject,
  grace: number,
  finalizersPending: boolean,
  now: Date,
): boolean {
  if (grace <= 0 && !finalizersPending) return false;
  const meta = next.metadata;
  const earlier = current.metadata.deletionGracePeriodSeconds;
  if (meta.deletionTimestamp === undefined || earlier === undefined || grace < earlier) {
    meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
    meta.deletionGracePeriodSeconds = grace;
  }
  return true;
}
