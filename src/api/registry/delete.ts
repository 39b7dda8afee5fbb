// delete: preconditions, then either mark the object (deletionTimestamp) while finalizers —
// including the garbage collector's foregroundDeletion/orphan — or a pod's grace period remain,
// or remove it.
import { ApiError, conflict, notFound } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { isStoreError } from "./deps.js";
import { objectKey } from "./keys.js";
import { clone, deepEqual, encodeStored, fromStored } from "./object-util.js";
import { gracePeriodSeconds, markDeleted } from "./graceful.js";
import type { DeleteOptions, WriteOptions } from "./options.js";
import { MODIFIED_MESSAGE, storeErrorToApi } from "./store-errors.js";
import { pendingFinalizers } from "./update.js";

export const FOREGROUND = "foregroundDeletion";
export const ORPHAN = "orphan";
const MAX_ATTEMPTS = 10;
/** Namespaces Kubernetes never lets a client delete. */
const IMMORTAL_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

function isNamespace(def: ResourceDef): boolean {
  return def.group === "" && def.resource === "namespaces";
}

/** The finalizers after the propagation policy asked for (Kubernetes' GC finalizers). */
function finalizersFor(current: string[], policy: DeleteOptions["propagationPolicy"]): string[] {
  const others = current.filter((f) => f !== FOREGROUND && f !== ORPHAN);
  if (policy === "Foreground") return [...others, FOREGROUND];
  if (policy === "Orphan") return [...others, ORPHAN];
  if (policy === "Background") return others;
  return current; // no policy: keep what an earlier delete asked for
}

function checkPreconditions(def: ResourceDef, name: string, obj: KubeObject, o: DeleteOptions): void {
  const p = o.preconditions;
  if (p?.uid !== undefined && p.uid !== "" && p.uid !== obj.metadata.uid) {
    throw conflict(
      def.group,
      def.resource,
      name,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ""}`,
    );
  }
  if (
    p?.resourceVersion !== undefined &&
    p.resourceVersion !== "" &&
    p.resourceVersion !== obj.metadata.resourceVersion
  ) {
    throw conflict(
      def.group,
      def.resource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ""}`,
    );
  }
}

/** The object with deletionTimestamp while finalizers remain, else the deleted object. */
export async function deleteObject(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  o: WriteOptions & DeleteOptions,
): Promise<KubeObject> {
  if (isNamespace(def) && IMMORTAL_NAMESPACES.has(name)) {
    // As the real server's NamespaceLifecycle admission: the system namespaces stay.
    throw new ApiError("Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
      name,
      kind: "namespaces",
    });
  }
  const key = objectKey(def, namespace, name);
  for (let attempt = 1; ; attempt++) {
    const stored = await ctx.store.get(key);
    if (!stored) throw notFound(def.group, def.resource, name);
    const current = fromStored(def, stored);
    checkPreconditions(def, name, current, o);
    const next = clone(current);
    const finalizers = finalizersFor(current.metadata.finalizers ?? [], o.propagationPolicy);
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    else delete next.metadata.finalizers;
    if (isNamespace(def)) next.status = { ...(next.status as object | undefined), phase: "Terminating" };
    const grace = gracePeriodSeconds(def, current, o);
    const keep = markDeleted(next, current, grace, pendingFinalizers(def, next).length > 0, ctx.clock());
    try {
      if (keep) {
        if (o.dryRun) return next;
        if (deepEqual(current, next)) return current; // already being deleted as asked
        return fromStored(def, await ctx.store.update(key, encodeStored(def, next), stored.modRevision));
      }
      if (o.dryRun) return current;
      await ctx.store.delete(key, stored.modRevision);
      return current;
    } catch (err) {
      if (isStoreError(err, "RevisionMismatchError")) {
        if (attempt < MAX_ATTEMPTS) continue;
        throw conflict(def.group, def.resource, name, MODIFIED_MESSAGE);
      }
      if (isStoreError(err, "KeyNotFoundError")) throw notFound(def.group, def.resource, name);
      throw storeErrorToApi(err, def, name);
    }
  }
}
