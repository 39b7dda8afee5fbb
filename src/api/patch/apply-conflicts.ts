// Conflicts of server-side apply, reported as the API server does (fieldmanager NewConflictError):
// 409 Conflict, one FieldManagerConflict cause per field, and a message naming the managers.

import { ApiError } from "../errors.js";
import { pathString, type Path } from "./fieldpath.js";
import type { ManagerEntry } from "./managers.js";

export interface Conflict {
  owner: ManagerEntry;
  path: Path;
}

/** `"kubectl"` for an applier, `"kubectl-client-side-apply" using apps/v1` for an updater. */
export function printManager(e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion">): string {
  const name = JSON.stringify(e.manager);
  return e.operation === "Update" ? `${name} using ${e.apiVersion}` : name;
}

/** The identifier the server sorts managers by (BuildManagerIdentifier's JSON). */
function identifier(e: ManagerEntry): string {
  return JSON.stringify({
    manager: e.manager,
    operation: e.operation,
    ...(e.operation === "Update" && { apiVersion: e.apiVersion }),
    ...(e.subresource !== "" && { subresource: e.subresource }),
  });
}

export function conflictError(conflicts: Conflict[]): ApiError {
  const sorted = [...conflicts].sort(
    (a, b) => cmp(identifier(a.owner), identifier(b.owner)) || cmp(pathString(a.path), pathString(b.path)),
  );
  const causes = sorted.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${printManager(c.owner)}`,
    field: pathString(c.path),
  }));
  return new ApiError("Conflict", conflictMessage(sorted), { causes });
}

function conflictMessage(sorted: Conflict[]): string {
  const [only] = sorted;
  if (sorted.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only.owner)}: ${pathString(only.path)}`;
  }
  const lines: string[] = [];
  let current: string | undefined;
  for (const c of sorted) {
    const id = identifier(c.owner);
    if (id !== current) {
      lines.push(`conflicts with ${printManager(c.owner)}:`);
      current = id;
    }
    lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
