import { describe, expect, it } from "vitest";
import { ANCIENT_CHANGES, capUpdateManagers } from "./cap-managers.js";
import { FieldSet } from "./fieldpath.js";
import { managerId, type ManagerEntry, type Managers } from "./managers.js";

function managers(n: number, apiVersion = "apps/v1"): Managers {
  const m: Managers = new Map();
  for (let i = 0; i < n; i++) {
    const e: ManagerEntry = {
      manager: `m${i}`,
      operation: "Update",
      apiVersion,
      subresource: "",
      time: `2026-11-22T10:${String(i).padStart(2, "0")}:00Z`,
      set: new FieldSet([[{ field: `f${i}` }]]),
    };
    m.set(managerId(e), e);
  }
  return m;
}

describe("capUpdateManagers", () => {
  it("keeps ten update managers as they are", () => {
    const m = managers(10);
    capUpdateManagers(m);
    expect(m.size).toBe(10);
  });

  it("folds the oldest into ancient-changes, keeping their fields and the newest folded time", () => {
    const m = managers(12);
    const apply: ManagerEntry = {
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "apps/v1",
      subresource: "",
      time: "2026-11-22T09:00:00Z",
      set: new FieldSet(),
    };
    m.set(managerId(apply), apply);
    capUpdateManagers(m);
    const updaters = [...m.values()].filter((e) => e.operation === "Update");
    expect(updaters).toHaveLength(10);
    const ancient = updaters.find((e) => e.manager === ANCIENT_CHANGES);
    expect(ancient?.set.size).toBe(3);
    expect(ancient?.time).toBe("2026-11-22T10:02:00Z");
    expect(updaters.some((e) => e.manager === "m0" || e.manager === "m1" || e.manager === "m2")).toBe(false);
    expect(m.has(managerId(apply))).toBe(true);
  });
});
