import { describe, expect, it } from "vitest";
import { FieldSet, pathString, toFieldsV1 } from "./fieldpath.js";
import { compare, ensureNamedFieldsAreMembers, removeItems, toFieldSet } from "./fieldset-ops.js";
import { deploymentDef } from "../resources/apps-deployment.js";
import { deploymentSchema } from "./fixtures.js";

const manifest = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: {} }],
      },
    },
  },
};

const strings = (s: FieldSet) => s.paths().map(pathString).sort();

describe("toFieldSet", () => {
  it("gives the FieldsV1 the API server records for kubectl apply --server-side", () => {
    expect(toFieldsV1(toFieldSet(manifest, deploymentSchema))).toEqual({
      "f:apiVersion": {},
      "f:kind": {},
      "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
                "f:resources": {},
              },
            },
          },
        },
      },
    });
  });

  it("gives the same set with the Deployment schema resources/ serves", () => {
    expect(toFieldsV1(toFieldSet(manifest, deploymentDef.patchSchema))).toEqual(
      toFieldsV1(toFieldSet(manifest, deploymentSchema)),
    );
  });

  it("owns set-list values, nulls, and fields the schema does not know", () => {
    const set = toFieldSet(
      { metadata: { finalizers: ["a", "b"] }, spec: { paused: null, extra: { x: [1] } } },
      deploymentSchema,
    );
    expect(strings(set)).toEqual([
      '.metadata.finalizers[="a"]',
      '.metadata.finalizers[="b"]',
      ".spec.extra",
      ".spec.extra.x",
      ".spec.paused",
    ]);
  });

  it("treats a list with duplicate keys as one value", () => {
    const set = toFieldSet(
      { spec: { template: { spec: { containers: [{ name: "a" }, { name: "a" }] } } } },
      deploymentSchema,
    );
    expect(strings(set)).toEqual([".spec.template.spec.containers"]);
  });
});

describe("compare", () => {
  it("reports added, modified and removed leaves and added or removed items", () => {
    const after = structuredClone(manifest);
    after.spec.replicas = 3;
    after.spec.template.spec.containers.push({ name: "log", image: "busybox", ports: [], resources: {} });
    delete (after.metadata as { labels?: unknown }).labels;
    const c = compare(manifest, after, deploymentSchema);
    expect(strings(c.modified)).toEqual([".spec.replicas"]);
    expect(strings(c.added)).toEqual([
      '.spec.template.spec.containers[name="log"]',
      '.spec.template.spec.containers[name="log"].image',
      '.spec.template.spec.containers[name="log"].name',
      '.spec.template.spec.containers[name="log"].ports',
      '.spec.template.spec.containers[name="log"].resources',
    ]);
    expect(strings(c.removed)).toEqual([".metadata.labels", ".metadata.labels.app"]);
  });

  it("sees nothing between equal objects whatever their key order", () => {
    const reordered = {
      spec: manifest.spec,
      metadata: manifest.metadata,
      kind: manifest.kind,
      apiVersion: manifest.apiVersion,
    };
    const c = compare(manifest, reordered, deploymentSchema);
    expect([c.added.size, c.modified.size, c.removed.size]).toEqual([0, 0, 0]);
  });

  it("compares atomic values whole", () => {
    const after = structuredClone(manifest);
    after.spec.selector.matchLabels = { app: "other" };
    expect(strings(compare(manifest, after, deploymentSchema).modified)).toEqual([".spec.selector"]);
  });
});

describe("removeItems and ensureNamedFieldsAreMembers", () => {
  it("removes entries and items by path", () => {
    const set = new FieldSet([
      [{ field: "metadata" }, { field: "labels" }, { field: "app" }],
      [
        { field: "spec" },
        { field: "template" },
        { field: "spec" },
        { field: "containers" },
        { key: [["name", "nginx"]] },
        { field: "ports" },
      ],
    ]);
    const out = removeItems(manifest, set, deploymentSchema) as typeof manifest;
    expect(out.metadata).toEqual({ name: "web", labels: {} });
    expect(out.spec.template.spec.containers).toEqual([
      { name: "nginx", image: "nginx:1.27", resources: {} },
    ]);
    expect(manifest.metadata.labels).toEqual({ app: "web" });
  });

  it("makes struct-field ancestors members, not map keys or items", () => {
    const set = new FieldSet([
      [{ field: "spec" }, { field: "strategy" }, { field: "rollingUpdate" }, { field: "maxSurge" }],
      [{ field: "metadata" }, { field: "labels" }, { field: "app" }],
    ]);
    expect(strings(ensureNamedFieldsAreMembers(set, deploymentSchema))).toEqual([
      ".metadata",
      ".metadata.labels",
      ".metadata.labels.app",
      ".spec",
      ".spec.strategy",
      ".spec.strategy.rollingUpdate",
      ".spec.strategy.rollingUpdate.maxSurge",
    ]);
  });
});
