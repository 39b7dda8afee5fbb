import { describe, expect, it } from "vitest";
import type { KubeObject, ManagedFieldsEntry } from "../types.js";
import { deploymentSchema } from "./fixtures.js";
import { updateManagedFields } from "./managed-fields.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

const t0 = new Date("2026-11-22T10:00:00.123Z");
const t1 = new Date("2026-11-22T10:05:00Z");

function created(): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "default",
      uid: "u1",
      resourceVersion: "5",
      generation: 1,
      creationTimestamp: "2026-11-22T10:00:00Z",
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n" },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] },
      },
    },
    status: { replicas: 1 },
  };
}

const update = (
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  now = t0,
  subresource?: string,
) =>
  updateManagedFields({
    old,
    updated,
    manager,
    operation: "Update",
    schema: deploymentSchema,
    apiVersion: "apps/v1",
    now,
    subresource,
  });

const entries = (o: KubeObject) => o.metadata.managedFields as ManagedFieldsEntry[];

describe("updateManagedFields", () => {
  it("gives every field of a created object to its creator, without identity, server-set metadata or status", () => {
    const out = update(undefined, created(), "kubectl-client-side-apply");
    expect(entries(out)).toEqual([
      {
        manager: "kubectl-client-side-apply",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2026-11-22T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": {
            "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
            "f:labels": { ".": {}, "f:app": {} },
          },
          "f:spec": {
            ".": {},
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              ".": {},
              "f:metadata": { ".": {}, "f:labels": { ".": {}, "f:app": {} } },
              "f:spec": {
                ".": {},
                "f:containers": { ".": {}, 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } },
              },
            },
          },
        },
      },
    ]);
  });

  it("moves a changed field to the manager that changed it (kubectl set image)", () => {
    const old = update(undefined, created(), "kubectl-client-side-apply");
    const patched = applyStrategicMergePatch(
      old,
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "nginx" }],
              containers: [{ image: "nginx:1.27", name: "nginx" }],
            },
          },
        },
      },
      deploymentSchema,
    ) as KubeObject;
    const out = update(old, patched, "kubectl-set", t1);
    const [csa, set] = entries(out);
    expect(set).toMatchObject({
      manager: "kubectl-set",
      operation: "Update",
      time: "2026-11-22T10:05:00Z",
      fieldsV1: {
        "f:spec": {
          "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {} } } } },
        },
      },
    });
    const csaContainer = (
      csa?.fieldsV1 as Record<
        string,
        Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>
      >
    )["f:spec"]?.["f:template"]?.["f:spec"]?.["f:containers"]?.['k:{"name":"nginx"}'];
    expect(csaContainer).toEqual({ ".": {}, "f:name": {} });
    expect(csa?.time).toBe("2026-11-22T10:00:00Z");
  });

  it("leaves entries and times alone when nothing changed", () => {
    const old = update(undefined, created(), "a");
    const out = update(
      old,
      { ...created(), metadata: { ...created().metadata, resourceVersion: "6" } },
      "b",
      t1,
    );
    expect(entries(out)).toEqual(entries(old));
  });

  it("drops a removed field from its owner, and an owner left with nothing", () => {
    const old = update(undefined, created(), "a");
    const labelled = structuredClone(old);
    labelled.metadata.labels = { app: "web", tier: "x" };
    const withB = update(old, labelled, "b", t1);
    expect(entries(withB).map((e) => e.manager)).toEqual(["a", "b"]);
    const unlabelled = structuredClone(withB);
    unlabelled.metadata.labels = { app: "web" };
    expect(entries(update(withB, unlabelled, "a", t1)).map((e) => e.manager)).toEqual(["a"]);
  });

  it("tracks /status writes as their own entry, owning only status", () => {
    const old = update(undefined, created(), "kubectl");
    const updated = structuredClone(old);
    updated.status = { replicas: 2, observedGeneration: 1 };
    const out = update(old, updated, "deployment-controller", t1, "status");
    expect(entries(out)[1]).toEqual({
      manager: "deployment-controller",
      operation: "Update",
      apiVersion: "apps/v1",
      time: "2026-11-22T10:05:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:observedGeneration": {}, "f:replicas": {} } },
      subresource: "status",
    });
  });

  it("keeps the stored entries when the client sends none, and takes the ones it rewrites", () => {
    const old = update(undefined, created(), "a");
    const sent = structuredClone(old);
    delete sent.metadata.managedFields;
    expect(entries(update(old, sent, "b"))).toEqual(entries(old));
    const rewritten = structuredClone(old);
    rewritten.metadata.managedFields = [{ ...entries(old)[0], manager: "kubectl", operation: "Apply" }];
    expect(entries(update(old, rewritten, "b"))[0]).toMatchObject({ manager: "kubectl", operation: "Apply" });
  });

  it("forgets all managers when sent [{}], and does not start tracking an untracked object on update", () => {
    const old = update(undefined, created(), "a");
    const reset = structuredClone(old);
    reset.metadata.managedFields = [{}];
    expect(update(old, reset, "b").metadata).not.toHaveProperty("managedFields");
    const untracked = created();
    const changed = structuredClone(untracked);
    (changed.spec as { replicas: number }).replicas = 3;
    expect(update(untracked, changed, "b").metadata).not.toHaveProperty("managedFields");
  });

  it("sorts entries by operation, then time", () => {
    const old = update(undefined, created(), "z");
    const a = structuredClone(old);
    a.metadata.labels = { app: "web", x: "1" };
    const out = update(old, a, "a", t1);
    expect(entries(out).map((e) => e.manager)).toEqual(["z", "a"]);
  });
});
