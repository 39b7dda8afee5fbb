// What the registry takes from its neighbours (storage/, resources/, patch/), gathered in one
// place so that the registry's files import their collaborators' types from here.
import type { applyJsonPatch } from "../patch/json-patch.js";
import type { updateManagedFields } from "../patch/managed-fields.js";
import type { applyMergePatch } from "../patch/merge-patch.js";
import type { applyServerSideApply } from "../patch/server-side-apply.js";
import type { applyStrategicMergePatch } from "../patch/strategic-merge.js";
import type { ResourceCatalog as Catalog } from "../resources/catalog.js";
import type { GroupVersion } from "../types.js";

export type { ListResult, Store, StoreEvent, StoredObject } from "../storage/store.js";
export type { PatchSchema, ResourceDef, ScaleSubresource } from "../resources/def.js";
export type { GroupVersion };

/** The storage error classes of storage/errors.ts, recognised by name (plain Errors). */
export type StoreErrorName =
  "KeyExistsError" | "KeyNotFoundError" | "RevisionMismatchError" | "CompactedError";

export function isStoreError(err: unknown, name: StoreErrorName): boolean {
  return err instanceof Error && (err.name === name || err.constructor.name === name);
}

/** The lookups of resources/ ResourceCatalog the registry uses. */
export type ResourceCatalog = Pick<Catalog, "all" | "get" | "byKind">;

/** The pure functions of patch/ (injected, so that tests can count or replace them). */
export interface PatchOps {
  applyJsonPatch: typeof applyJsonPatch;
  applyMergePatch: typeof applyMergePatch;
  applyStrategicMergePatch: typeof applyStrategicMergePatch;
  applyServerSideApply: typeof applyServerSideApply;
  updateManagedFields: typeof updateManagedFields;
}
