import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import type { ApiRegistry } from "./registry.js";
import { configMap, defs, deployment, newRegistry, ns, pod, writeOpts } from "./registry.test-util.js";

const running: ApiRegistry[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function started(): Promise<ApiRegistry> {
  const { registry } = await newRegistry({ resyncMs: 200 });
  registry.start();
  running.push(registry);
  return registry;
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function exists(
  r: ApiRegistry,
  def: (typeof defs)[keyof typeof defs],
  ns: string | undefined,
  name: string,
): Promise<boolean> {
  return r.get(def, ns, name).then(
    () => true,
    () => false,
  );
}

function ownedBy(obj: KubeObject, owner: KubeObject, block = true): KubeObject {
  obj.metadata.ownerReferences = [
    {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.metadata.name as string,
      uid: owner.metadata.uid as string,
      controller: true,
      blockOwnerDeletion: block,
    },
  ];
  return obj;
}

describe("delete", () => {
  it("checks preconditions and deletes at once without finalizers", async () => {
    const { registry } = await newRegistry();
    const cm = await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    await expect(
      registry.delete(defs.configmaps, "default", "a", { ...writeOpts(), preconditions: { uid: "other" } }),
    ).rejects.toMatchObject({
      code: 409,
      message: `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}`,
    });
    const gone = await registry.delete(defs.configmaps, "default", "a", writeOpts());
    expect(gone.metadata.uid).toBe(cm.metadata.uid);
    await expect(registry.get(defs.configmaps, "default", "a")).rejects.toMatchObject({ code: 404 });
    await expect(registry.delete(defs.configmaps, "default", "a", writeOpts())).rejects.toMatchObject({
      code: 404,
    });
  });

  it("keeps an object with finalizers until the last one is removed", async () => {
    const { registry } = await newRegistry();
    const cm = configMap("f");
    cm.metadata.finalizers = ["example.com/hold"];
    await registry.create(defs.configmaps, "default", cm, writeOpts());
    const marked = await registry.delete(defs.configmaps, "default", "f", writeOpts());
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    await expect(
      registry.update(
        defs.configmaps,
        "default",
        "f",
        { ...marked, metadata: { ...marked.metadata, finalizers: ["example.com/hold", "x/new"] } },
        writeOpts(),
      ),
    ).rejects.toMatchObject({ code: 422 });
    await registry.patch(
      defs.configmaps,
      "default",
      "f",
      "merge",
      { metadata: { finalizers: null } },
      writeOpts(),
    );
    await expect(registry.get(defs.configmaps, "default", "f")).rejects.toMatchObject({ code: 404 });
  });

  it("gives a pod bound to a node its grace period; grace 0 deletes it", async () => {
    const now = new Date("2026-11-22T10:00:00Z");
    const { registry } = await newRegistry({ clock: () => now });
    const bound = pod("p");
    (bound.spec as Record<string, unknown>).nodeName = "node-1";
    await registry.create(defs.pods, "default", bound, writeOpts());
    const marked = await registry.delete(defs.pods, "default", "p", writeOpts());
    expect(marked.metadata).toMatchObject({
      deletionTimestamp: "2026-11-22T10:00:30Z",
      deletionGracePeriodSeconds: 30,
    });
    const shorter = await registry.delete(defs.pods, "default", "p", {
      ...writeOpts(),
      gracePeriodSeconds: 5,
    });
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    const longer = await registry.delete(defs.pods, "default", "p", {
      ...writeOpts(),
      gracePeriodSeconds: 60,
    });
    expect(longer.metadata.deletionGracePeriodSeconds).toBe(5);
    // Its node agent's final status is written, not taken as the end of the deletion.
    const final = await registry.update(
      defs.pods,
      "default",
      "p",
      { ...longer, status: { phase: "Failed" } },
      { ...writeOpts(), subresource: "status" },
    );
    expect(final.status).toMatchObject({ phase: "Failed" });
    expect((await registry.get(defs.pods, "default", "p")).status).toMatchObject({ phase: "Failed" });
    await registry.delete(defs.pods, "default", "p", { ...writeOpts(), gracePeriodSeconds: 0 });
    expect(await exists(registry, defs.pods, "default", "p")).toBe(false);
    await registry.create(defs.pods, "default", pod("unbound"), writeOpts());
    await registry.delete(defs.pods, "default", "unbound", writeOpts());
    expect(await exists(registry, defs.pods, "default", "unbound")).toBe(false);
  });

  it("dry-run leaves the object in place", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    await registry.delete(defs.configmaps, "default", "a", writeOpts({ dryRun: true }));
    expect(await exists(registry, defs.configmaps, "default", "a")).toBe(true);
  });

  it("refuses to delete the system namespaces, as Kubernetes does", async () => {
    const { registry } = await newRegistry();
    await expect(registry.delete(defs.namespaces, undefined, "default", writeOpts())).rejects.toMatchObject({
      code: 403,
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
    expect(await exists(registry, defs.namespaces, undefined, "default")).toBe(true);
  });

  it("deleteCollection deletes what the selector picks", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a", {}, { x: "1" }), writeOpts());
    await registry.create(defs.configmaps, "default", configMap("b", {}, { x: "2" }), writeOpts());
    const deleted = await registry.deleteCollection(
      defs.configmaps,
      "default",
      { labelSelector: "x=1" },
      writeOpts(),
    );
    expect(deleted.items.map((i) => i.metadata.name)).toEqual(["a"]);
    expect(await exists(registry, defs.configmaps, "default", "b")).toBe(true);
  });
});

describe("garbage collector", () => {
  it("deletes dependents of a deleted owner (background), recursively", async () => {
    const r = await started();
    const d = await r.create(defs.deployments, "default", deployment("web"), writeOpts());
    const rs = await r.create(defs.configmaps, "default", ownedBy(configMap("rs"), d), writeOpts());
    await r.create(defs.pods, "default", ownedBy(pod("p"), rs), writeOpts());
    await r.delete(defs.deployments, "default", "web", { ...writeOpts(), propagationPolicy: "Background" });
    await eventually(async () => !(await exists(r, defs.pods, "default", "p")), "the grandchild to go");
    expect(await exists(r, defs.configmaps, "default", "rs")).toBe(false);
  });

  it("foreground: the owner waits for its blocking dependents", async () => {
    const r = await started();
    const d = await r.create(defs.deployments, "default", deployment("web"), writeOpts());
    const held = ownedBy(pod("p"), d);
    held.metadata.finalizers = ["example.com/hold"];
    await r.create(defs.pods, "default", held, writeOpts());
    const marked = await r.delete(defs.deployments, "default", "web", {
      ...writeOpts(),
      propagationPolicy: "Foreground",
    });
    expect(marked.metadata.finalizers).toContain("foregroundDeletion");
    await eventually(
      async () => (await r.get(defs.pods, "default", "p")).metadata.deletionTimestamp !== undefined,
      "the pod marked",
    );
    expect(await exists(r, defs.deployments, "default", "web")).toBe(true);
    await r.patch(defs.pods, "default", "p", "merge", { metadata: { finalizers: null } }, writeOpts());
    await eventually(async () => !(await exists(r, defs.deployments, "default", "web")), "the owner to go");
  });

  it("orphan: dependents lose the reference and stay", async () => {
    const r = await started();
    const d = await r.create(defs.deployments, "default", deployment("web"), writeOpts());
    await r.create(defs.pods, "default", ownedBy(pod("p"), d), writeOpts());
    await r.delete(defs.deployments, "default", "web", { ...writeOpts(), propagationPolicy: "Orphan" });
    await eventually(async () => !(await exists(r, defs.deployments, "default", "web")), "the owner to go");
    const p = await r.get(defs.pods, "default", "p");
    expect(p.metadata.ownerReferences).toBeUndefined();
  });

  it("drops a dangling reference while another owner lives", async () => {
    const r = await started();
    const a = await r.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const p = pod("p");
    p.metadata.ownerReferences = [
      { apiVersion: "v1", kind: "ConfigMap", name: "a", uid: a.metadata.uid as string },
      { apiVersion: "v1", kind: "ConfigMap", name: "gone", uid: "0000" },
    ];
    await r.create(defs.pods, "default", p, writeOpts());
    await eventually(
      async () => (await r.get(defs.pods, "default", "p")).metadata.ownerReferences?.length === 1,
      "the dangling reference removed",
    );
  });
});

describe("namespace deletion", () => {
  it("deletes everything in the namespace, then the namespace", async () => {
    const r = await started();
    await r.create(defs.namespaces, undefined, ns("team"), writeOpts());
    await r.create(defs.configmaps, "team", configMap("a"), writeOpts());
    await r.create(defs.deployments, "team", deployment("web"), writeOpts());
    const marked = await r.delete(defs.namespaces, undefined, "team", writeOpts());
    expect(marked.status).toMatchObject({ phase: "Terminating" });
    await eventually(
      async () => !(await exists(r, defs.namespaces, undefined, "team")),
      "the namespace to go",
    );
    expect(await exists(r, defs.configmaps, "team", "a")).toBe(false);
    expect(await exists(r, defs.namespaces, undefined, "default")).toBe(true);
  });
});
