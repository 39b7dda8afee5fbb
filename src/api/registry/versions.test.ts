import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../resources/catalog.js";
import type { ResourceDef } from "./deps.js";
import { newRegistry, take, writeOpts } from "./registry.test-util.js";

const catalog = builtinCatalog();
function def(group: string, version: string, resource: string): ResourceDef {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(`${group}/${version} ${resource} not served`);
  return d;
}

describe("served versions sharing one storage", () => {
  it("reads an autoscaling/v1 HPA as v2 (list and watch)", async () => {
    const { registry } = await newRegistry();
    const v1 = def("autoscaling", "v1", "horizontalpodautoscalers");
    const v2 = def("autoscaling", "v2", "horizontalpodautoscalers");
    const abort = new AbortController();
    const watched = take(registry.watch(v2, "default", { resourceVersion: "0" }, abort.signal), 1);
    await registry.create(
      v1,
      "default",
      {
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web" },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          minReplicas: 1,
          maxReplicas: 3,
          targetCPUUtilizationPercentage: 80,
        },
      },
      writeOpts(),
    );
    const got = await registry.get(v2, "default", "web");
    expect(got).toMatchObject({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" });
    const list = await registry.list(v2, "default", {});
    expect(list.items.map((i) => i.apiVersion)).toEqual(["autoscaling/v2"]);
    const [ev] = await watched;
    expect(ev).toMatchObject({
      type: "ADDED",
      object: { apiVersion: "autoscaling/v2", metadata: { name: "web" } },
    });
    expect((await registry.get(v1, "default", "web")).apiVersion).toBe("autoscaling/v1");
    abort.abort();
  });

  it("stores events.k8s.io Events with core Events", async () => {
    const { registry } = await newRegistry();
    const core = def("", "v1", "events");
    const ev1 = def("events.k8s.io", "v1", "events");
    await registry.create(
      ev1,
      "default",
      {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: "e1" },
        eventTime: "2026-11-22T10:00:00.000000Z",
        reportingController: "skiff/test",
        reportingInstance: "test-1",
        action: "Testing",
        reason: "Tested",
        type: "Normal",
        note: "hello",
        regarding: { kind: "Pod", name: "p", namespace: "default" },
      },
      writeOpts(),
    );
    const asCore = await registry.get(core, "default", "e1");
    expect(asCore).toMatchObject({ apiVersion: "v1", kind: "Event", message: "hello" });
  });
});
