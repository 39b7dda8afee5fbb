// The one write path of an existing object (update, patch, /status, /scale): read, produce the
// new object from the current one, apply Kubernetes' update rules, compare-and-swap; retried
// on a concurrent write, with the produced object's resourceVersion as the caller's precondition.
import { badRequest, conflict, invalid, notFound } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef, StoredObject } from "./deps.js";
import { isStoreError } from "./deps.js";
import { admit } from "./admission.js";
import { createObject } from "./create.js";
import { objectKey } from "./keys.js";
import { clone, deepEqual, encodeStored, fromStored, isRecord } from "./object-util.js";
import type { Subresource, WriteOptions } from "./options.js";
import { MODIFIED_MESSAGE, storeErrorToApi } from "./store-errors.js";
import {
  checkUnknownFields,
  defaultAndValidate,
  namespaceMismatch,
  normaliseKind,
  trackManagedFields,
} from "./write-common.js";

const MAX_ATTEMPTS = 10;

export interface Produced {
  obj: KubeObject;
  /**
   * managedFields already as they are to be stored: computed by server-side apply, or left as
   * they were by a pod's binding (Kubernetes tracks fields in the request handlers, and a
   * binding's request object is the Binding, not the pod).
   */
  managedFieldsSet?: boolean;
  /** Check fieldValidation on the produced object (false for registry-internal writes). */
  checkFields?: boolean;
  /** Take status from the produced object too on a main-resource write (a pod's binding). */
  withStatus?: boolean;
}

/** Makes the new object from the current one; `undefined` current only when `createIfMissing`. */
export type Producer = (current: KubeObject | undefined) => Produced;

export interface UpdateRequest {
  subresource?: Subresource;
  /** Create through the producer when the object does not exist (server-side apply). */
  createIfMissing?: boolean;
}

/** Finalizers still holding an object that is being deleted (a Namespace's spec ones too). */
export function pendingFinalizers(def: ResourceDef, obj: KubeObject): string[] {
  const own = obj.metadata.finalizers ?? [];
  if (def.group === "" && def.resource === "namespaces") {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    return [...own, ...(spec?.finalizers ?? [])];
  }
  return own;
}

/**
 * Whether an update is the deletion of an object being deleted (k8s shouldDeleteDuringUpdate):
 * it removes the last finalizers and no grace period is left. A pod in its graceful deletion
 * stays through updates (its node agent's final status) until deleted with grace 0.
 */
function finishesDeletion(def: ResourceDef, current: KubeObject, next: KubeObject): boolean {
  return (
    next.metadata.deletionTimestamp !== undefined &&
    pendingFinalizers(def, next).length === 0 &&
    pendingFinalizers(def, current).length > 0 &&
    (next.metadata.deletionGracePeriodSeconds ?? 0) === 0
  );
}

function withoutVolatile(obj: KubeObject): unknown {
  const { managedFields: _m, resourceVersion: _r, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function specPart(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Kubernetes' update rules: identity, immutable metadata, status split, generation, validation. */
function prepareUpdate(
  ctx: RegistryContext,
  def: ResourceDef,
  current: KubeObject,
  produced: Produced,
  name: string,
  namespace: string | undefined,
  o: WriteOptions,
  subresource: Subresource | undefined,
): KubeObject {
  const next = clone(produced.obj);
  normaliseKind(def, next);
  const meta = next.metadata;
  if (meta.name === undefined || meta.name === "") meta.name = name;
  if (meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== namespace) {
      throw namespaceMismatch();
    }
    meta.namespace = namespace;
  } else delete meta.namespace;
  if (produced.checkFields !== false) checkUnknownFields(def, next, o);
  const cur = current.metadata;
  if (meta.uid !== undefined && meta.uid !== "" && meta.uid !== cur.uid) {
    throw conflict(
      def.group,
      def.resource,
      name,
      `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${cur.uid ?? ""}`,
    );
  }
  let result: KubeObject;
  if (def.subresources.status && subresource === "status") {
    // Only status is taken from a /status write; metadata and spec stay as they are.
    result = clone(current);
    if (next.status === undefined) delete result.status;
    else result.status = next.status;
    if (next.metadata.managedFields !== undefined)
      result.metadata.managedFields = next.metadata.managedFields;
  } else {
    result = next;
    admit(def, result, ctx.admission);
    if (def.subresources.status && produced.withStatus !== true) {
      if (current.status === undefined) delete result.status;
      else result.status = clone(current.status);
    }
  }
  const rm = result.metadata;
  rm.uid = cur.uid;
  rm.creationTimestamp = cur.creationTimestamp;
  if (cur.deletionTimestamp !== undefined) rm.deletionTimestamp = cur.deletionTimestamp;
  else delete rm.deletionTimestamp;
  if (cur.deletionGracePeriodSeconds !== undefined)
    rm.deletionGracePeriodSeconds = cur.deletionGracePeriodSeconds;
  else delete rm.deletionGracePeriodSeconds;
  if (cur.deletionTimestamp !== undefined) {
    const added = [...new Set(rm.finalizers ?? [])].filter((f) => !(cur.finalizers ?? []).includes(f)).sort();
    if (added.length > 0) {
      throw invalid({ group: def.group, kind: def.kind }, name, [
        {
          reason: "FieldValueForbidden",
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
          field: "metadata.finalizers",
        },
      ]);
    }
  }
  if (def.hasGeneration) {
    const gen = cur.generation ?? 1;
    rm.generation = deepEqual(specPart(current), specPart(result)) ? gen : gen + 1;
  } else delete rm.generation;
  defaultAndValidate(def, result, current);
  if (
    def.hasGeneration &&
    rm.generation === cur.generation &&
    !deepEqual(specPart(current), specPart(result))
  ) {
    rm.generation = (cur.generation ?? 1) + 1; // defaulting may have changed the spec
  }
  if (produced.managedFieldsSet) return result;
  return trackManagedFields(ctx, def, current, result, o, subresource);
}

function checkPrecondition(def: ResourceDef, name: string, produced: KubeObject, current: KubeObject): void {
  const rv = isRecord(produced.metadata) ? produced.metadata.resourceVersion : undefined;
  if (rv !== undefined && rv !== "" && rv !== current.metadata.resourceVersion) {
    throw conflict(def.group, def.resource, name, MODIFIED_MESSAGE);
  }
}

/**
 * Reads, produces and writes until the compare-and-swap holds. The result is the stored object
 * (the current one unchanged for a no-op, the last state when removing the last finalizer
 * deleted it).
 */
export async function guaranteedUpdate(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  o: WriteOptions,
  req: UpdateRequest,
  produce: Producer,
): Promise<KubeObject> {
  const key = objectKey(def, namespace, name);
  for (let attempt = 1; ; attempt++) {
    const stored = await ctx.store.get(key);
    if (!stored) {
      if (!req.createIfMissing) throw notFound(def.group, def.resource, name);
      const produced = produce(undefined);
      return createObject(ctx, def, namespace, produced.obj, o, {
        managedFieldsSet: produced.managedFieldsSet === true,
      });
    }
    const current = fromStored(def, stored);
    const produced = produce(clone(current));
    checkPrecondition(def, name, produced.obj, current);
    const next = prepareUpdate(ctx, def, current, produced, name, namespace, o, req.subresource);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (deepEqual(withoutVolatile(current), withoutVolatile(next))) return current;
    const finished = finishesDeletion(def, current, next);
    if (o.dryRun) return next;
    try {
      return await writeOrFinish(ctx, def, key, stored, next, finished);
    } catch (err) {
      if (isStoreError(err, "RevisionMismatchError") && attempt < MAX_ATTEMPTS) continue;
      if (isStoreError(err, "RevisionMismatchError") || isStoreError(err, "KeyNotFoundError")) {
        throw isStoreError(err, "KeyNotFoundError")
          ? notFound(def.group, def.resource, name)
          : conflict(def.group, def.resource, name, MODIFIED_MESSAGE);
      }
      throw storeErrorToApi(err, def, name);
    }
  }
}

async function writeOrFinish(
  ctx: RegistryContext,
  def: ResourceDef,
  key: string,
  stored: StoredObject,
  next: KubeObject,
  finished: boolean,
): Promise<KubeObject> {
  if (finished) {
    // The last finalizer is gone from an object being deleted: the write is its deletion.
    await ctx.store.delete(key, stored.modRevision);
    return next;
  }
  const written = await ctx.store.update(key, encodeStored(def, next), stored.modRevision);
  return fromStored(def, written);
}
