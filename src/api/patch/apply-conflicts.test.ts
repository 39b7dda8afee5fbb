import { describe, expect, it } from "vitest";
import { conflictError, printManager } from "./apply-conflicts.js";
import { FieldSet } from "./fieldpath.js";
import type { ManagerEntry } from "./managers.js";

const entry = (manager: string, operation: "Apply" | "Update"): ManagerEntry => ({
  manager,
  operation,
  apiVersion: "apps/v1",
  subresource: "",
  time: undefined,
  set: new FieldSet(),
});

describe("apply conflicts", () => {
  it("name appliers and updaters as the API server does", () => {
    expect(printManager(entry("kubectl", "Apply"))).toBe('"kubectl"');
    expect(printManager(entry("kube-controller-manager", "Update"))).toBe(
      '"kube-controller-manager" using apps/v1',
    );
  });

  it("group several managers' conflicts in the message, one cause per field", () => {
    const e = conflictError([
      { owner: entry("b", "Update"), path: [{ field: "spec" }, { field: "replicas" }] },
      { owner: entry("a", "Apply"), path: [{ field: "metadata" }, { field: "labels" }, { field: "x" }] },
      { owner: entry("a", "Apply"), path: [{ field: "spec" }, { field: "paused" }] },
    ]);
    expect(e.code).toBe(409);
    expect(e.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "a":\n- .metadata.labels.x\n- .spec.paused\nconflicts with "b" using apps/v1:\n- .spec.replicas',
    );
    expect(e.details?.causes).toEqual([
      { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".metadata.labels.x" },
      { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.paused" },
      { reason: "FieldManagerConflict", message: 'conflict with "b" using apps/v1', field: ".spec.replicas" },
    ]);
  });
});
