// managedFields for writes that are not applies (create, update, patch): the fields a write
// changed become its manager's, and are taken from every other manager (the API server's
// FieldManager.Update with structured-merge-diff's Updater.Update, always forced).

import type { KubeObject } from "../types.js";
import { capUpdateManagers } from "./cap-managers.js";
import type { FieldSet, Path } from "./fieldpath.js";
import { compare, pathsUnder } from "./fieldset-ops.js";
import {
  decodeManagers,
  encodeManagers,
  managerId,
  stripMeta,
  timestamp,
  withManagedFields,
  withoutManagedFields,
  type ManagerEntry,
  type Managers,
} from "./managers.js";
import type { PatchSchema } from "./schema.js";

export interface UpdateManagedFieldsOptions {
  /** The stored object; undefined on create. */
  old: KubeObject | undefined;
  /** The object about to be stored. Its own managedFields, when set and valid, replace the old ones (a client may rewrite them). */
  updated: KubeObject;
  manager: string;
  operation: "Update";
  subresource?: string;
  schema: PatchSchema;
  apiVersion: string;
  now: Date;
}

/** Fields a write to the main resource or to `/status` does not own: the other half is reset by the server. */
export function ignoredRoots(subresource: string | undefined): Path[] {
  if (subresource === undefined || subresource === "") return [[{ field: "status" }]];
  if (subresource === "status") return [[{ field: "spec" }]];
  return [];
}

export function updateManagedFields(o: UpdateManagedFieldsOptions): KubeObject {
  const subresource = o.subresource ?? "";
  const own = o.updated.metadata.managedFields;
  let managers: Managers;
  if (subresource === "" && resets(own)) {
    managers = new Map();
  } else {
    // Managed fields the client sent win (kubectl rewrites them when migrating to apply);
    // without any, or on a subresource, the stored ones carry over.
    const sent = subresource === "" ? decodeManagers(own) : undefined;
    managers =
      sent !== undefined && sent.size > 0
        ? sent
        : (decodeManagers(o.old?.metadata.managedFields) ?? new Map());
  }
  const oldObj = withoutManagedFields(o.old);
  const newObj = withoutManagedFields(o.updated);
  // Objects that were never tracked stay untracked until their first apply (skipNonApplied).
  if (managers.size === 0 && oldObj !== undefined && (oldObj.metadata?.uid ?? "") !== "") return newObj;

  recordUpdate(managers, oldObj, newObj, {
    manager: o.manager,
    operation: "Update",
    apiVersion: o.apiVersion,
    subresource,
    schema: o.schema,
    now: o.now,
  });
  capUpdateManagers(managers);
  return withManagedFields(newObj, encodeManagers(managers));
}

/**
 * Gives the fields `newObj` changed against `oldObj` to the identity described, taking them and
 * the removed ones from every other entry; entries left empty are dropped. Mutates `managers`.
 */
export function recordUpdate(
  managers: Managers,
  oldObj: unknown,
  newObj: unknown,
  who: Omit<ManagerEntry, "set" | "time"> & { schema: PatchSchema; now: Date },
): FieldSet {
  const ignored = ignoredRoots(who.subresource);
  const c = compare(oldObj ?? {}, newObj, who.schema);
  const changed = dropIgnored(c.added.union(c.modified), ignored);
  const removed = dropIgnored(c.removed, ignored);
  for (const [id, e] of managers) {
    const set = e.set.difference(changed).difference(removed);
    if (set.isEmpty()) managers.delete(id);
    else managers.set(id, { ...e, set });
  }
  const owned = stripMeta(changed);
  if (!owned.isEmpty()) {
    const id = managerId({ ...who });
    const prev = managers.get(id);
    managers.set(id, {
      manager: who.manager,
      operation: who.operation,
      apiVersion: who.apiVersion,
      subresource: who.subresource,
      time: timestamp(who.now),
      set: prev ? prev.set.union(owned) : owned,
    });
  }
  return changed;
}

function dropIgnored(set: FieldSet, roots: Path[]): FieldSet {
  return roots.length === 0 ? set : set.difference(pathsUnder(set, roots));
}

/** `managedFields: [{}]` is how a client asks the server to forget all managers. */
function resets(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length === 1 &&
    typeof entries[0] === "object" &&
    entries[0] !== null &&
    Object.keys(entries[0]).length === 0
  );
}
