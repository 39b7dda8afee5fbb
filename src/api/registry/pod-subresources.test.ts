import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { ApiClient } from "./client.js";
import { defs, newRegistry, pod, writeOpts } from "./registry.test-util.js";

const binding = (name: string, node: string) => ({
  apiVersion: "v1",
  kind: "Binding",
  metadata: { name, annotations: { "scheduler/why": "fits" } },
  target: { apiVersion: "v1", kind: "Node", name: node },
});

describe("pods/binding", () => {
  it("binds once: nodeName, annotations and PodScheduled=True; a second bind is a Conflict", async () => {
    const { registry } = await newRegistry({ clock: () => new Date("2026-12-07T08:00:00Z") });
    const created = await registry.create(defs.pods, "default", pod("p"), writeOpts());
    const status = await registry.createSubresource(
      defs.pods,
      "default",
      "p",
      "binding",
      binding("p", "n1"),
      writeOpts(),
    );
    expect(status).toMatchObject({ kind: "Status", status: "Success", code: 201 });
    const bound = await registry.get(defs.pods, "default", "p");
    expect(bound.spec).toMatchObject({ nodeName: "n1" });
    // As Kubernetes' BindingREST: the pod's managed fields stay those of its creator.
    expect(created.metadata.managedFields).toHaveLength(1);
    expect(bound.metadata.managedFields).toEqual(created.metadata.managedFields);
    expect(bound.metadata.annotations).toEqual({ "scheduler/why": "fits" });
    expect((bound.status as { conditions: unknown[] }).conditions).toEqual([
      { type: "PodScheduled", status: "True", lastTransitionTime: "2026-12-07T08:00:00Z" },
    ]);
    const again = registry.createSubresource(
      defs.pods,
      "default",
      "p",
      "binding",
      binding("p", "n2"),
      writeOpts(),
    );
    await expect(again).rejects.toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
    });
  });

  it("refuses a Binding without a target or with another name, and a missing pod", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.pods, "default", pod("p"), writeOpts());
    const noTarget = { apiVersion: "v1", kind: "Binding", metadata: { name: "p" } };
    await expect(
      registry.createSubresource(defs.pods, "default", "p", "binding", noTarget, writeOpts()),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      registry.createSubresource(defs.pods, "default", "p", "binding", binding("q", "n"), writeOpts()),
    ).rejects.toMatchObject({
      code: 400,
      message: "name in URL does not match name in Binding object",
    });
    await expect(
      registry.createSubresource(defs.pods, "default", "x", "binding", binding("x", "n"), writeOpts()),
    ).rejects.toMatchObject({
      code: 404,
      message: 'pods "x" not found',
    });
  });

  it("is reachable through the in-process client", async () => {
    const { registry } = await newRegistry();
    const pods = new ApiClient(registry).resource({ apiVersion: "v1", kind: "Pod" });
    await pods.create({ ...pod("p"), metadata: { name: "p", namespace: "default" } });
    await pods.createSubresource("default", "p", "binding", binding("p", "n1"));
    expect((await pods.get("default", "p")).spec).toMatchObject({ nodeName: "n1" });
  });
});

describe("pods/eviction", () => {
  const eviction = (name: string, deleteOptions?: object) => ({
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name, namespace: "default" },
    ...(deleteOptions && { deleteOptions }),
  });

  it("deletes an unbound pod at once and a bound one after its grace period", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.pods, "default", pod("a"), writeOpts());
    expect(
      await registry.createSubresource(defs.pods, "default", "a", "eviction", eviction("a"), writeOpts()),
    ).toMatchObject({
      status: "Success",
    });
    await expect(registry.get(defs.pods, "default", "a")).rejects.toBeInstanceOf(ApiError);

    await registry.create(
      defs.pods,
      "default",
      { ...pod("b"), spec: { nodeName: "n1", containers: [{ name: "c", image: "i" }] } },
      writeOpts(),
    );
    await registry.createSubresource(
      defs.pods,
      "default",
      "b",
      "eviction",
      eviction("b", { gracePeriodSeconds: 7 }),
      writeOpts(),
    );
    const b = await registry.get(defs.pods, "default", "b");
    expect(b.metadata.deletionGracePeriodSeconds).toBe(7);
    // Marked as Kubernetes marks an evicted pod before deleting it.
    expect((b.status as { conditions?: unknown[] }).conditions).toContainEqual(
      expect.objectContaining({
        type: "DisruptionTarget",
        status: "True",
        reason: "EvictionByEvictionAPI",
        message: "Eviction API: evicting",
      }),
    );
  });

  it("honours dryRun and preconditions in the deleteOptions", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.pods, "default", pod("a"), writeOpts());
    await registry.createSubresource(
      defs.pods,
      "default",
      "a",
      "eviction",
      eviction("a", { dryRun: ["All"] }),
      writeOpts(),
    );
    await registry.get(defs.pods, "default", "a");
    const stale = eviction("a", { preconditions: { uid: "other" } });
    await expect(
      registry.createSubresource(defs.pods, "default", "a", "eviction", stale, writeOpts()),
    ).rejects.toMatchObject({ code: 409 });
    const a = await registry.get(defs.pods, "default", "a");
    expect(JSON.stringify(a.status ?? {})).not.toContain("DisruptionTarget");
  });

  it("is NotFound for another kind", async () => {
    const { registry } = await newRegistry();
    await expect(
      registry.createSubresource(defs.configmaps, "default", "a", "eviction", eviction("a"), writeOpts()),
    ).rejects.toMatchObject({ code: 404 });
  });
});

describe("default tolerations on create", () => {
  it("are added with the configured seconds", async () => {
    const { registry } = await newRegistry({ admission: { defaultNotReadyTolerationSeconds: 10 } });
    const created = await registry.create(defs.pods, "default", pod("p"), writeOpts());
    expect((created.spec as { tolerations: unknown[] }).tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
  });
});
