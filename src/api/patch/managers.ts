// metadata.managedFields in and out: one entry per manager identity (manager, operation,
// apiVersion for updates, subresource) holding the set of fields it owns. Entries are written
// back sorted as the API server sorts them (operation, time, manager, apiVersion, subresource).

import type { KubeObject, ManagedFieldsEntry } from "../types.js";
import { FieldSet, fromFieldsV1, toFieldsV1, type Path } from "./fieldpath.js";
import { isObject } from "./json.js";

export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource: string;
  time: string | undefined;
  set: FieldSet;
}

export type Managers = Map<string, ManagerEntry>;

/** The identity of an entry: appliers are one entry whatever version they applied. */
export function managerId(
  e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">,
): string {
  return JSON.stringify([e.manager, e.operation, e.operation === "Apply" ? "" : e.apiVersion, e.subresource]);
}

/** Managers from stored entries; undefined when they are not well formed. */
export function decodeManagers(entries: unknown): Managers | undefined {
  const out: Managers = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) return undefined;
  for (const raw of entries) {
    if (!isObject(raw)) return undefined;
    const operation = raw.operation;
    if (operation !== "Apply" && operation !== "Update") return undefined;
    if (raw.fieldsType !== undefined && raw.fieldsType !== "FieldsV1") return undefined;
    const set = raw.fieldsV1 === undefined ? new FieldSet() : fromFieldsV1(raw.fieldsV1);
    if (!set) return undefined;
    const e: ManagerEntry = {
      manager: typeof raw.manager === "string" ? raw.manager : "",
      operation,
      apiVersion: typeof raw.apiVersion === "string" ? raw.apiVersion : "",
      subresource: typeof raw.subresource === "string" ? raw.subresource : "",
      time: typeof raw.time === "string" ? raw.time : undefined,
      set,
    };
    const id = managerId(e);
    const prev = out.get(id);
    out.set(id, prev ? { ...e, set: prev.set.union(set) } : e);
  }
  return out;
}

/** Fields no manager is said to own: identity and server-set metadata (the API server's stripMeta). */
export const STRIPPED: Path[] = [
  [{ field: "apiVersion" }],
  [{ field: "kind" }],
  [{ field: "metadata" }],
  ...[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
  ].map((f): Path => [{ field: "metadata" }, { field: f }]),
];

export function stripMeta(set: FieldSet): FieldSet {
  return set.difference(new FieldSet(STRIPPED));
}

export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  const entries = [...managers.values()].sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(seconds(a.time), seconds(b.time)) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource, b.subresource),
  );
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time !== undefined && { time: e.time }),
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(e.set),
    ...(e.subresource !== "" && { subresource: e.subresource }),
  }));
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seconds(t: string | undefined): number {
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

/** A copy of `obj` with `entries` as its managedFields (none when empty). */
export function withManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[]): KubeObject {
  const metadata = { ...obj.metadata };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}

/** A copy of `obj` without managedFields (they take no part in comparisons). */
export function withoutManagedFields<T extends KubeObject | undefined>(obj: T): T {
  if (obj === undefined || obj.metadata?.managedFields === undefined) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}
