// What the registry needs from its neighbours (storage/, resources/, patch/), as docs/api.md
// fixes them. Kept structural so the registry builds and tests while those modules land; the
// real implementations satisfy these shapes.
import type { StatusCause } from "../errors.js";
import type { GroupVersion, GroupVersionKind, KubeObject } from "../types.js";

export interface StoredObject {
  key: string;
  /** The object's JSON (without metadata.resourceVersion). */
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

export type StoreEvent =
  | {
      type: "put";
      key: string;
      value: Buffer;
      prevValue?: Buffer;
      createRevision: number;
      modRevision: number;
    }
  | { type: "delete"; key: string; prevValue: Buffer; modRevision: number };

export interface Store {
  currentRevision(): Promise<number>;
  get(key: string): Promise<StoredObject | undefined>;
  list(
    prefix: string,
    opts?: { limit?: number; startAfter?: string; revision?: number },
  ): Promise<{ items: StoredObject[]; revision: number; more: boolean; remaining: number }>;
  create(key: string, value: Buffer): Promise<StoredObject>;
  update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject>;
  delete(key: string, expectModRevision?: number): Promise<StoredObject>;
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  close(): Promise<void>;
}

/** The storage error classes of storage/errors.ts, recognised by name (plain Errors). */
export type StoreErrorName =
  "KeyExistsError" | "KeyNotFoundError" | "RevisionMismatchError" | "CompactedError";

export function isStoreError(err: unknown, name: StoreErrorName): boolean {
  return err instanceof Error && (err.name === name || err.constructor.name === name);
}

export interface PatchSchema {
  fields?: Record<string, PatchSchema>;
  additional?: PatchSchema;
  items?: PatchSchema;
  patchStrategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  patchMergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: string[];
  mapType?: "atomic" | "granular";
  scalar?: "string" | "integer" | "number" | "boolean" | "int-or-string" | "quantity" | "object";
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** The part of resources/ ResourceDef the registry uses. */
export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  resource: string;
  namespaced: boolean;
  storageVersion: string;
  /** The group whose storage holds the objects ("" core); the def's own group when absent. */
  storageGroup?: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
  subresources: { status: boolean; scale?: ScaleSubresource };
  setDefaults(obj: KubeObject): void;
  validate(obj: KubeObject, old?: KubeObject): StatusCause[];
  patchSchema: PatchSchema;
  fieldSelectors: Record<string, (obj: KubeObject) => string | undefined>;
  hasGeneration: boolean;
  unknownFields(obj: KubeObject): string[];
}

/** The part of resources/ ResourceCatalog the registry uses. */
export interface ResourceCatalog {
  all(): ResourceDef[];
  get(group: string, version: string, resource: string): ResourceDef | undefined;
  byKind(gvk: GroupVersionKind): ResourceDef | undefined;
}

export type { GroupVersion };

/** The pure functions of patch/. */
export interface PatchOps {
  applyJsonPatch(doc: unknown, patch: unknown): unknown;
  applyMergePatch(doc: unknown, patch: unknown): unknown;
  applyStrategicMergePatch(doc: unknown, patch: unknown, schema: PatchSchema): unknown;
  applyServerSideApply(o: {
    live: KubeObject | undefined;
    applied: KubeObject;
    manager: string;
    force: boolean;
    schema: PatchSchema;
    apiVersion: string;
    now: Date;
  }): KubeObject;
  updateManagedFields(o: {
    old: KubeObject | undefined;
    updated: KubeObject;
    manager: string;
    operation: "Update";
    subresource?: string;
    schema: PatchSchema;
    apiVersion: string;
    now: Date;
  }): KubeObject;
}
