import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import type { KubeObject } from "../types.js";
import { configMap, defs, deployment, newRegistry, ns, writeOpts } from "./registry.test-util.js";
import { dropField } from "./write-common.js";

async function rejects(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

describe("create", () => {
  it("fills system metadata and reads back the same object", async () => {
    const { registry } = await newRegistry({ clock: () => new Date("2026-11-22T10:00:00.123Z") });
    const created = await registry.create(
      defs.configmaps,
      "default",
      configMap("a", { k: "v" }),
      writeOpts(),
    );
    expect(created).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", data: { k: "v" } });
    expect(created.metadata).toMatchObject({
      name: "a",
      namespace: "default",
      creationTimestamp: "2026-11-22T10:00:00Z",
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(await registry.get(defs.configmaps, "default", "a")).toEqual(created);
  });

  it("generates names from generateName and sets generation 1 on kinds with a spec", async () => {
    const { registry } = await newRegistry();
    const d = deployment("x");
    d.metadata = { generateName: "web-", labels: { app: "x" } };
    const created = await registry.create(defs.deployments, "default", d, writeOpts());
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.metadata.generation).toBe(1);
  });

  it("answers Kubernetes' errors for existing names, missing and mismatched namespaces", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const exists = await rejects(registry.create(defs.configmaps, "default", configMap("a"), writeOpts()));
    expect([exists.code, exists.reason, exists.message]).toEqual([
      409,
      "AlreadyExists",
      'configmaps "a" already exists',
    ]);
    const missing = await rejects(registry.create(defs.configmaps, "nope", configMap("a"), writeOpts()));
    expect([missing.code, missing.message]).toEqual([404, 'namespaces "nope" not found']);
    const other = configMap("b");
    other.metadata.namespace = "elsewhere";
    const mismatch = await rejects(registry.create(defs.configmaps, "default", other, writeOpts()));
    expect(mismatch.message).toBe(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  });

  it("validates (422 with causes) and applies fieldValidation", async () => {
    const { registry } = await newRegistry();
    const bad = await rejects(
      registry.create(defs.configmaps, "default", configMap("Bad_Name"), writeOpts()),
    );
    expect(bad.code).toBe(422);
    expect(bad.details?.causes?.[0]?.field).toBe("metadata.name");
    const typo = { ...configMap("t"), dataa: {} } as KubeObject;
    const strict = await rejects(
      registry.create(defs.configmaps, "default", typo, writeOpts({ fieldValidation: "Strict" })),
    );
    expect([strict.code, strict.message]).toEqual([
      400,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dataa"',
    ]);
    const warnings: string[] = [];
    const warned = await registry.create(
      defs.configmaps,
      "default",
      typo,
      writeOpts({ fieldValidation: "Warn", warnings }),
    );
    expect(warnings).toEqual(['unknown field "dataa"']);
    expect(warned).not.toHaveProperty("dataa"); // dropped, as the real decoder does
    const ignored = await registry.create(
      defs.configmaps,
      "default",
      { ...configMap("i"), dataa: {} } as KubeObject,
      writeOpts({ fieldValidation: "Ignore" }),
    );
    expect(ignored).not.toHaveProperty("dataa");
    expect(await registry.get(defs.configmaps, "default", "i")).not.toHaveProperty("dataa");
  });

  it("drops unknown fields deep in lists by their paths", () => {
    const obj = { spec: { containers: [{ name: "a", imagee: "x" }, { name: "b" }] } };
    dropField(obj, ".spec.containers[0].imagee");
    dropField(obj, ".spec.missing[3].x");
    expect(obj).toEqual({ spec: { containers: [{ name: "a" }, { name: "b" }] } });
  });

  it("dry-run answers the would-be object without storing it", async () => {
    const { registry } = await newRegistry();
    const dry = await registry.create(
      defs.configmaps,
      "default",
      configMap("d"),
      writeOpts({ dryRun: true }),
    );
    expect(dry.metadata.uid).toBeDefined();
    expect(dry.metadata.resourceVersion).toBeUndefined();
    expect((await rejects(registry.get(defs.configmaps, "default", "d"))).code).toBe(404);
  });

  it("refuses new content in a terminating namespace", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.namespaces, undefined, ns("going"), writeOpts());
    await registry.create(defs.configmaps, "going", configMap("keep"), writeOpts());
    const deleted = await registry.delete(defs.namespaces, undefined, "going", writeOpts());
    expect(deleted.status).toMatchObject({ phase: "Terminating" });
    const err = await rejects(registry.create(defs.configmaps, "going", configMap("new"), writeOpts()));
    expect([err.code, err.message]).toEqual([
      403,
      "unable to create new content in namespace going because it is being terminated",
    ]);
  });
});

describe("update", () => {
  it("refuses a stale resourceVersion with Kubernetes' conflict message", async () => {
    const { registry } = await newRegistry();
    const v1 = await registry.create(defs.configmaps, "default", configMap("a", { k: "1" }), writeOpts());
    await registry.update(defs.configmaps, "default", "a", { ...v1, data: { k: "2" } }, writeOpts());
    const err = await rejects(
      registry.update(defs.configmaps, "default", "a", { ...v1, data: { k: "3" } }, writeOpts()),
    );
    expect([err.code, err.reason, err.message]).toEqual([
      409,
      "Conflict",
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    ]);
  });

  it("allows an unconditional update and keeps immutable metadata", async () => {
    const { registry } = await newRegistry();
    const v1 = await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const body = configMap("a", { k: "2" });
    const v2 = await registry.update(defs.configmaps, "default", "a", body, writeOpts());
    expect(v2.metadata.uid).toBe(v1.metadata.uid);
    expect(v2.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    const missing = await rejects(
      registry.update(defs.configmaps, "default", "zz", configMap("zz"), writeOpts()),
    );
    expect(missing.message).toBe('configmaps "zz" not found');
    const renamed = await rejects(
      registry.update(defs.configmaps, "default", "a", configMap("b"), writeOpts()),
    );
    expect(renamed.message).toBe("the name of the object (b) does not match the name on the URL (a)");
  });

  it("does not write a no-op update", async () => {
    const { registry } = await newRegistry();
    const v1 = await registry.create(defs.configmaps, "default", configMap("a", { k: "1" }), writeOpts());
    const same = await registry.update(defs.configmaps, "default", "a", v1, writeOpts());
    expect(same.metadata.resourceVersion).toBe(v1.metadata.resourceVersion);
  });

  it("bumps generation on spec changes only, keeps status on the main resource, takes only status on /status", async () => {
    const { registry } = await newRegistry();
    const d1 = await registry.create(defs.deployments, "default", deployment("web"), writeOpts());
    const labelled = { ...d1, metadata: { ...d1.metadata, labels: { app: "web", x: "y" } } };
    const d2 = await registry.update(defs.deployments, "default", "web", labelled, writeOpts());
    expect(d2.metadata.generation).toBe(1);
    const withStatus = { ...d2, status: { replicas: 7 } };
    const d3 = await registry.update(defs.deployments, "default", "web", withStatus, writeOpts({}));
    expect(d3.status).toEqual(d1.status);
    const s = await registry.update(
      defs.deployments,
      "default",
      "web",
      { ...d3, spec: { ...(d3.spec as object), replicas: 9 }, status: { replicas: 7 } },
      { ...writeOpts(), subresource: "status" },
    );
    expect(s.status).toMatchObject({ replicas: 7 });
    expect((s.spec as { replicas: number }).replicas).toBe(1);
    const d4 = await registry.update(
      defs.deployments,
      "default",
      "web",
      { ...s, spec: { ...(s.spec as object), replicas: 3 } },
      writeOpts(),
    );
    expect(d4.metadata.generation).toBe(2);
    expect(d4.status).toMatchObject({ replicas: 7 });
  });
});

describe("patch", () => {
  it("applies merge, strategic and JSON patches", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.deployments, "default", deployment("web"), writeOpts());
    const m = await registry.patch(
      defs.deployments,
      "default",
      "web",
      "merge",
      { spec: { replicas: 2 } },
      writeOpts(),
    );
    expect((m.spec as { replicas: number }).replicas).toBe(2);
    expect(m.metadata.generation).toBe(2);
    const s = await registry.patch(
      defs.deployments,
      "default",
      "web",
      "strategic",
      { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.37" }] } } } },
      writeOpts(),
    );
    const containers = (s.spec as { template: { spec: { containers: { name: string; image: string }[] } } })
      .template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]?.image).toBe("busybox:1.37");
    const j = await registry.patch(
      defs.deployments,
      "default",
      "web",
      "json",
      [{ op: "replace", path: "/spec/replicas", value: 4 }],
      writeOpts(),
    );
    expect((j.spec as { replicas: number }).replicas).toBe(4);
  });

  it("honours a resourceVersion inside the patch as a precondition", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const err = await rejects(
      registry.patch(
        defs.configmaps,
        "default",
        "a",
        "merge",
        { metadata: { resourceVersion: "1" }, data: { a: "b" } },
        writeOpts(),
      ),
    );
    expect(err.code).toBe(409);
  });
});

describe("scale", () => {
  it("reads and writes spec.replicas as an autoscaling/v1 Scale", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.deployments, "default", deployment("web", 2), writeOpts());
    const scale = await registry.getScale(defs.deployments, "default", "web");
    expect(scale).toMatchObject({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      spec: { replicas: 2 },
      status: { replicas: 0, selector: "app=web" },
    });
    const patched = await registry.patch(
      defs.deployments,
      "default",
      "web",
      "merge",
      { spec: { replicas: 5 } },
      { ...writeOpts(), subresource: "scale" },
    );
    expect(patched).toMatchObject({ kind: "Scale", spec: { replicas: 5 } });
    const stale = await rejects(
      registry.update(
        defs.deployments,
        "default",
        "web",
        { ...scale, spec: { replicas: 1 } },
        { ...writeOpts(), subresource: "scale" },
      ),
    );
    expect(stale.code).toBe(409);
    const bad = await rejects(
      registry.update(
        defs.deployments,
        "default",
        "web",
        { ...patched, spec: { replicas: -1 } },
        { ...writeOpts(), subresource: "scale" },
      ),
    );
    expect(bad.message).toBe(
      'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    const d = await registry.get(defs.deployments, "default", "web");
    expect(d.metadata.generation).toBe(2);
  });

  it("answers 404 for subresources the kind does not have", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    await expect(registry.getScale(defs.configmaps, "default", "a")).rejects.toMatchObject({ code: 404 });
    await expect(
      registry.update(defs.configmaps, "default", "a", configMap("a"), {
        ...writeOpts(),
        subresource: "status",
      }),
    ).rejects.toMatchObject({ code: 404, message: "the server could not find the requested resource" });
  });
});
