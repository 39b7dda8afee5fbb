import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { calculateStatus, podsToDelete, slowStartBatches, statusEqual, withFailure } from "./util.js";

function pod(
  name: string,
  o: {
    node?: string;
    phase?: string;
    ready?: string;
    created?: string;
    restarts?: number;
    labels?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      creationTimestamp: o.created ?? "2026-01-01T00:00:00Z",
      labels: o.labels ?? { app: "a" },
    },
    spec: { ...(o.node && { nodeName: o.node }) },
    status: {
      phase: o.phase ?? "Running",
      conditions: o.ready ? [{ type: "Ready", status: "True", lastTransitionTime: o.ready }] : [],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);

describe("replicaset util", () => {
  it("slow-start batches double up to the count", () => {
    expect(slowStartBatches(0)).toEqual([]);
    expect(slowStartBatches(1)).toEqual([1]);
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(15)).toEqual([1, 2, 4, 8]);
  });

  it("deletes unscheduled before pending before not ready before ready", () => {
    const pods = [
      pod("ready", { node: "n1", ready: "2026-01-01T00:00:00Z" }),
      pod("notready", { node: "n2" }),
      pod("pending", { node: "n3", phase: "Pending" }),
      pod("unscheduled", { phase: "Pending" }),
    ];
    expect(names(podsToDelete(pods, 4))).toEqual(["unscheduled", "pending", "notready", "ready"]);
    expect(names(podsToDelete(pods, 1))).toEqual(["unscheduled"]);
  });

  it("among equals: doubled-up nodes, ready for less time, more restarts, newer first", () => {
    const a = pod("a", { node: "n1", ready: "2026-01-01T00:00:00Z" });
    const b = pod("b", { node: "n2", ready: "2026-01-01T00:00:00Z" });
    const c = pod("c", { node: "n2", ready: "2026-01-01T00:00:00Z" });
    // b and c double up on n2: one of them goes before a
    expect(["b", "c"]).toContain(names(podsToDelete([a, b, c], 1))[0]);
    const older = pod("older", { node: "n1", ready: "2026-01-01T00:00:00Z" });
    const newer = pod("newer", { node: "n2", ready: "2026-01-01T00:05:00Z" });
    expect(names(podsToDelete([older, newer], 1))).toEqual(["newer"]);
    const crashy = pod("crashy", { node: "n1", restarts: 3 });
    const calm = pod("calm", { node: "n2" });
    expect(names(podsToDelete([calm, crashy], 1))).toEqual(["crashy"]);
    const young = pod("young", { node: "n1", created: "2026-01-02T00:00:00Z" });
    const old = pod("old", { node: "n2", created: "2026-01-01T00:00:00Z" });
    expect(names(podsToDelete([old, young], 1))).toEqual(["young"]);
  });

  it("counts replicas, fully labelled, ready and available (minReadySeconds)", () => {
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "rs", generation: 3 },
      spec: { minReadySeconds: 10, template: { metadata: { labels: { app: "a", tier: "web" } } } },
    };
    const pods = [
      pod("p1", { ready: "2026-01-01T00:00:00Z", labels: { app: "a", tier: "web" } }),
      pod("p2", { ready: "2026-01-01T00:00:30Z" }),
      pod("p3"),
    ];
    const s = calculateStatus(rs, pods, new Date("2026-01-01T00:00:35Z"));
    expect(s).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 3,
    });
    expect(
      statusEqual(
        {
          replicas: 3,
          fullyLabeledReplicas: 1,
          readyReplicas: 2,
          availableReplicas: 1,
          observedGeneration: 3,
        },
        s,
      ),
    ).toBe(true);
    expect(statusEqual({ replicas: 3 }, s)).toBe(false);
    expect(
      statusEqual({}, { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0 }),
    ).toBe(true);
  });

  it("sets the ReplicaFailure condition once and clears it", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const base = { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0 };
    const failed = withFailure(base, [], { reason: "FailedCreate", message: "quota" }, now);
    expect(failed.conditions).toEqual([
      {
        type: "ReplicaFailure",
        status: "True",
        reason: "FailedCreate",
        message: "quota",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ]);
    const again = withFailure(
      base,
      failed.conditions ?? [],
      { reason: "FailedCreate", message: "quota" },
      new Date(),
    );
    expect(again.conditions).toEqual(failed.conditions);
    expect(withFailure(base, failed.conditions ?? [], undefined, now).conditions).toBeUndefined();
  });
});
