import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { configMap, defs, deployment, newRegistry, writeOpts } from "./registry.test-util.js";

describe("server-side apply and managedFields", () => {
  it("creates on a missing object, records managers, and reports conflicts", async () => {
    const { registry } = await newRegistry();
    const applied = { ...configMap("a", { k: "1" }), metadata: { name: "a", namespace: "default" } };
    const created = await registry.patch(
      defs.configmaps,
      "default",
      "a",
      "apply",
      applied,
      writeOpts({ fieldManager: "kubectl" }),
    );
    expect(created.metadata.uid).toBeDefined();
    expect(created.metadata.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      ["kubectl", "Apply"],
    ]);
    const updated = await registry.patch(
      defs.configmaps,
      "default",
      "a",
      "merge",
      { data: { k: "2" } },
      writeOpts({ fieldManager: "editor" }),
    );
    // The update took data.k over from kubectl, whose entry then owns nothing (as in Kubernetes).
    expect(updated.metadata.managedFields?.map((m) => m.manager)).toEqual(["editor"]);
    const err = await registry
      .patch(defs.configmaps, "default", "a", "apply", applied, writeOpts({ fieldManager: "kubectl" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(409);
    const forced = await registry.patch(defs.configmaps, "default", "a", "apply", applied, {
      ...writeOpts({ fieldManager: "kubectl" }),
      force: true,
    });
    expect(forced.data).toEqual({ k: "1" });
  });

  it("requires a field manager for apply", async () => {
    const { registry } = await newRegistry();
    await expect(
      registry.patch(defs.configmaps, "default", "a", "apply", configMap("a"), writeOpts()),
    ).rejects.toMatchObject({
      code: 422,
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
  });

  it("tracks Update managers on create and keeps generation on a metadata-only apply", async () => {
    const { registry } = await newRegistry();
    const d = await registry.create(
      defs.deployments,
      "default",
      deployment("web"),
      writeOpts({ fieldManager: "kubectl-create" }),
    );
    expect(d.metadata.managedFields?.[0]).toMatchObject({ manager: "kubectl-create", operation: "Update" });
    const labelled = await registry.patch(
      defs.deployments,
      "default",
      "web",
      "apply",
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { extra: "x" } } },
      writeOpts({ fieldManager: "labeller" }),
    );
    expect(labelled.metadata.labels).toMatchObject({ app: "web", extra: "x" });
    expect(labelled.metadata.generation).toBe(1);
  });
});
