// Server-side apply (PATCH with application/apply-patch+yaml), as the API server's field
// manager and structured-merge-diff do it: the applied configuration is merged into the live
// object; fields this manager applied last time and no longer applies are removed unless
// another manager owns them; changing a field another manager owns is a conflict unless forced
// (forcing takes the field over); applying the value already there shares ownership.

import { ApiError, badRequest } from "../errors.js";
import type { KubeObject } from "../types.js";
import { capUpdateManagers } from "./cap-managers.js";
import { conflictError, type Conflict } from "./apply-conflicts.js";
import type { FieldSet, Path } from "./fieldpath.js";
import { compare, ensureNamedFieldsAreMembers, pathsUnder, removeItems, toFieldSet } from "./fieldset-ops.js";
import { deepEqual, isObject } from "./json.js";
import {
  LAST_APPLIED_ANNOTATION,
  allowedByLastApplied,
  lastApplied,
  withLastApplied,
} from "./last-applied.js";
import { ignoredRoots, recordUpdate } from "./managed-fields.js";
import {
  decodeManagers,
  encodeManagers,
  managerId,
  stripMeta,
  timestamp,
  withManagedFields,
  withoutManagedFields,
} from "./managers.js";
import type { PatchSchema } from "./schema.js";
import { dropAppliedNulls, ssaMerge } from "./ssa-merge.js";
import { appliedProblems } from "./typed.js";

export { LAST_APPLIED_ANNOTATION };

/** The manager kubectl apply --server-side uses; the only one that migrates client-side apply. */
const KUBECTL = "kubectl";

export interface ServerSideApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The configuration sent (the whole manifest as JSON). */
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: PatchSchema;
  /** The version the request addresses; the configuration must be written in it. */
  apiVersion: string;
  now: Date;
}

export function applyServerSideApply(o: ServerSideApplyOptions): KubeObject {
  const applied = o.applied;
  validateConfig(applied, o);
  const live = withoutManagedFields(o.live);
  const managers = decodeManagers(o.live?.metadata.managedFields) ?? new Map();
  if (live !== undefined && managers.size === 0) {
    // Fields set before anyone applied belong to a placeholder manager (skipNonApplied).
    recordUpdate(managers, {}, live, {
      ...who("before-first-apply", "Update", o.apiVersion),
      schema: o.schema,
      now: o.now,
    });
  }

  const ignored = ignoredRoots(undefined);
  const self = who(o.manager, "Apply", o.apiVersion);
  const id = managerId(self);
  const last = managers.get(id);
  const applying = dropUnder(toFieldSet(applied, o.schema), ignored);

  let merged = ssaMerge(live ?? {}, applied, o.schema);
  if (last && !last.set.isEmpty()) {
    let owned = applying;
    for (const [mid, e] of managers) if (mid !== id) owned = owned.union(e.set);
    merged = prune(merged, last.set, owned, o.schema);
  }

  const c = compare(live ?? {}, merged, o.schema);
  const changed = dropUnder(c.added.union(c.modified), ignored);
  const removed = dropUnder(c.removed, ignored);
  const conflicts: Conflict[] = [];
  for (const [mid, e] of managers) {
    if (mid === id) continue;
    for (const path of e.set.intersection(changed).paths()) conflicts.push({ owner: e, path });
  }
  if (conflicts.length > 0 && !o.force) {
    const allowed = o.manager === KUBECTL ? allowedByLastApplied(o.live, o.schema) : undefined;
    const remaining = allowed ? conflicts.filter((x) => !allowed.has(x.path)) : conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
  }
  for (const [mid, e] of managers) {
    if (mid === id) continue;
    const set = e.set.difference(changed).difference(removed);
    if (set.isEmpty()) managers.delete(mid);
    else managers.set(mid, { ...e, set });
  }
  const objectChanged = !deepEqual(live ?? {}, merged);
  managers.set(id, {
    ...self,
    time: objectChanged || !last ? timestamp(o.now) : last.time,
    set: stripMeta(applying),
  });

  capUpdateManagers(managers);

  let result = dropAppliedNulls(merged, applied) as KubeObject;
  if (o.manager === KUBECTL && lastApplied(o.live) !== undefined) result = withLastApplied(result, applied);
  return withManagedFields(result, encodeManagers(managers));
}

/** What the API server refuses before merging: managedFields, another version, malformed keyed lists. */
function validateConfig(applied: KubeObject, o: ServerSideApplyOptions): void {
  if (!isObject(applied)) throw badRequest("error decoding YAML: the apply configuration is not an object");
  if (isObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw badRequest("metadata.managedFields must be nil");
  }
  if (applied.apiVersion !== o.apiVersion) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? "")}, expected: ${o.apiVersion}`,
    );
  }
  const problems = appliedProblems(applied, o.schema);
  if (problems.length > 0) {
    const detail =
      problems.length === 1 ? problems[0] : ["errors:", ...problems.map((p) => `  ${p}`)].join("\n");
    throw new ApiError(
      "InternalError",
      `failed to create typed patch object (${objectRef(applied, o.apiVersion)}): ${detail}`,
    );
  }
}

/** `default/web; apps/v1, Kind=Deployment`, as the server names the object in apply errors. */
function objectRef(obj: KubeObject, apiVersion: string): string {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  return `${meta.namespace ?? ""}/${meta.name ?? ""}; ${gv}, Kind=${String(obj.kind ?? "")}`;
}

/**
 * Removes what the manager applied last time (`last`) that nobody owns now; a struct field goes
 * whole once nothing in it is owned (structured-merge-diff's prune with its add-back steps).
 */
function prune(merged: unknown, last: FieldSet, owned: FieldSet, schema: PatchSchema): unknown {
  const gone = ensureNamedFieldsAreMembers(last, schema).difference(
    ensureNamedFieldsAreMembers(owned, schema),
  );
  return removeItems(merged, gone, schema);
}

function who(manager: string, operation: "Apply" | "Update", apiVersion: string) {
  return { manager, operation, apiVersion, subresource: "" };
}

function dropUnder(set: FieldSet, roots: Path[]): FieldSet {
  return set.difference(pathsUnder(set, roots));
}
