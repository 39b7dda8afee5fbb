import { describe, expect, it } from "vitest";
import { ApiClient } from "./client.js";
import { Informer } from "./informer.js";
import { builtinCatalog } from "../resources/catalog.js";
import type { ResourceDef } from "./deps.js";
import { RbacCache } from "./rbac-source.js";
import type { ApiRegistry } from "./registry.js";
import { configMap, defs, logger, newRegistry, writeOpts } from "./registry.test-util.js";

async function setup(): Promise<ApiRegistry> {
  return (await newRegistry()).registry;
}

function rbacDef(resource: string): ResourceDef {
  const def = builtinCatalog().get("rbac.authorization.k8s.io", "v1", resource);
  if (!def) throw new Error(`no ${resource}`);
  return def;
}

async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await check()).toBe(true);
}

describe("ApiClient", () => {
  it("addresses resources by apiVersion+kind or group/version/resource", async () => {
    const client = new ApiClient(await setup(), { fieldManager: "test-controller" });
    const cms = client.resource({ apiVersion: "v1", kind: "ConfigMap" });
    const obj = configMap("a", { k: "v" });
    obj.metadata.namespace = "default";
    const created = await cms.create(obj);
    expect(created.metadata.uid).toBeDefined();
    expect(await cms.find("default", "nope")).toBeUndefined();
    const patched = await client
      .resource({ group: "", version: "v1", resource: "configmaps" })
      .patch("default", "a", "merge", { data: { k: "w" } });
    expect(patched.data).toEqual({ k: "w" });
    expect((await cms.list("default")).items).toHaveLength(1);
    await cms.delete("default", "a");
    expect(await cms.find("default", "a")).toBeUndefined();
    expect(() => client.resource({ apiVersion: "example.com/v1", kind: "Widget" })).toThrow();
  });
});

describe("Informer and RbacCache", () => {
  it("follows list+watch and serves RBAC objects from the cache", async () => {
    const registry = await setup();
    const informer = new Informer({ source: registry, def: defs.configmaps, logger });
    const seen: string[] = [];
    informer.onChange((type, obj) => seen.push(`${type} ${obj.metadata.name}`));
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    informer.start();
    await informer.synced;
    await registry.create(defs.configmaps, "default", configMap("b"), writeOpts());
    await registry.delete(defs.configmaps, "default", "a", writeOpts());
    await eventually(() => seen.length === 3);
    expect(seen).toEqual(["ADDED a", "ADDED b", "DELETED a"]);
    expect(informer.items().map((o) => o.metadata.name)).toEqual(["b"]);
    informer.stop();

    const rbac = new RbacCache({ source: registry, catalog: registry.catalog, logger });
    rbac.start();
    await registry.create(
      rbacDef("clusterroles"),
      undefined,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "view-x" },
        rules: [],
      },
      writeOpts(),
    );
    await registry.create(
      rbacDef("roles"),
      "default",
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r" }, rules: [] },
      writeOpts(),
    );
    await eventually(async () => (await rbac.clusterRole("view-x")) !== undefined);
    await eventually(async () => (await rbac.roles("default")).length === 1);
    expect(await rbac.roles("other")).toEqual([]);
    expect(await rbac.roleBindings("default")).toEqual([]);
    rbac.stop();
  });
});
