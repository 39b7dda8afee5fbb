import { describe, expect, it } from "vitest";
import { FieldSet } from "./fieldpath.js";
import { decodeManagers, encodeManagers, managerId, stripMeta, timestamp } from "./managers.js";

describe("managedFields entries", () => {
  const stored = [
    {
      manager: "b",
      operation: "Update",
      apiVersion: "apps/v1",
      time: "2026-11-22T10:05:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:replicas": {} } },
    },
    {
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "apps/v1",
      time: "2026-11-22T10:09:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } },
    },
    {
      manager: "a",
      operation: "Update",
      apiVersion: "apps/v1",
      time: "2026-11-22T10:05:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:replicas": {} } },
      subresource: "status",
    },
  ];

  it("decode and encode back sorted: Apply first, then by time and manager", () => {
    const m = decodeManagers(stored);
    expect(m?.size).toBe(3);
    expect(encodeManagers(m ?? new Map()).map((e) => e.manager)).toEqual(["kubectl", "a", "b"]);
    expect(encodeManagers(m ?? new Map())[1]).toEqual(stored[2]);
  });

  it("identify appliers without their version and updaters with it", () => {
    const base = { manager: "m", subresource: "" };
    expect(managerId({ ...base, operation: "Apply", apiVersion: "v1" })).toBe(
      managerId({ ...base, operation: "Apply", apiVersion: "v2" }),
    );
    expect(managerId({ ...base, operation: "Update", apiVersion: "v1" })).not.toBe(
      managerId({ ...base, operation: "Update", apiVersion: "v2" }),
    );
  });

  it("refuse entries that are not managedFields", () => {
    expect(decodeManagers([{ manager: "x", operation: "Patch" }])).toBeUndefined();
    expect(decodeManagers([{ manager: "x", operation: "Update", fieldsType: "FieldsV2" }])).toBeUndefined();
    expect(decodeManagers({})).toBeUndefined();
    expect(decodeManagers(undefined)?.size).toBe(0);
  });

  it("never own identity or server-set metadata", () => {
    const set = new FieldSet([
      [{ field: "metadata" }],
      [{ field: "metadata" }, { field: "name" }],
      [{ field: "metadata" }, { field: "resourceVersion" }],
      [{ field: "metadata" }, { field: "labels" }, { field: "app" }],
      [{ field: "kind" }],
    ]);
    expect(stripMeta(set).size).toBe(1);
  });

  it("write times as RFC 3339 seconds", () => {
    expect(timestamp(new Date("2026-11-22T10:05:00.999Z"))).toBe("2026-11-22T10:05:00Z");
  });
});
