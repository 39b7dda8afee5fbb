// At most ten update managers are tracked per object (the API server's capManagersManager): the
// oldest ones are folded, per apiVersion, into an "ancient-changes" entry, so objects written by
// many clients keep a bounded managedFields.

import { managerId, type ManagerEntry, type Managers } from "./managers.js";

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = "ancient-changes";

/** Mutates `managers`. */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()]
    .filter(([, e]) => e.operation === "Update")
    .sort(([, a], [, b]) => (a.time ?? "").localeCompare(b.time ?? ""));
  let count = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (const [id, e] of updaters) {
    if (count <= max) break;
    const bucket: Omit<ManagerEntry, "set" | "time"> = {
      manager: ANCIENT_CHANGES,
      operation: "Update",
      apiVersion: e.apiVersion,
      subresource: "",
    };
    const bucketId = managerId(bucket);
    const first = firstOfVersion.get(e.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(e.apiVersion, id);
      continue;
    }
    if (!managers.has(bucketId)) {
      const firstEntry = managers.get(first) as ManagerEntry;
      managers.delete(first);
      managers.set(bucketId, { ...firstEntry, ...bucket });
    }
    const into = managers.get(bucketId) as ManagerEntry;
    managers.set(bucketId, { ...into, set: into.set.union(e.set), time: e.time });
    managers.delete(id);
    count--;
  }
}
