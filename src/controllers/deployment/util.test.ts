import { describe, expect, it } from "vitest";
import type { DeploymentSpecView } from "./spec.js";
import {
  availableScaleDown,
  maxScaleDown,
  maxSurge,
  maxUnavailable,
  newReplicaSetSize,
  proportion,
  replicaSetFraction,
  resolveFenceposts,
  resolveIntOrPercent,
} from "./util.js";

function spec(
  replicas: number,
  maxSurge: number | string = "25%",
  maxUnavailable: number | string = "25%",
): DeploymentSpecView {
  return {
    replicas,
    minReadySeconds: 0,
    paused: false,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: "RollingUpdate",
    rolling: { maxSurge, maxUnavailable },
    selector: {},
    template: {},
  };
}

describe("int-or-percent", () => {
  it("rounds percents up or down and passes numbers through", () => {
    expect(resolveIntOrPercent("25%", 10, true)).toBe(3);
    expect(resolveIntOrPercent("25%", 10, false)).toBe(2);
    expect(resolveIntOrPercent(4, 10, false)).toBe(4);
    expect(resolveIntOrPercent("4", 10, true)).toBe(4);
    expect(() => resolveIntOrPercent("x%", 10, true)).toThrow(/invalid/);
  });

  it("surge rounds up, unavailable down; both zero makes unavailable 1", () => {
    expect(resolveFenceposts({ maxSurge: "25%", maxUnavailable: "25%" }, 3)).toEqual({
      surge: 1,
      unavailable: 0,
    });
    expect(resolveFenceposts({ maxSurge: "10%", maxUnavailable: "30%" }, 5)).toEqual({
      surge: 1,
      unavailable: 1,
    });
    expect(resolveFenceposts({ maxSurge: 0, maxUnavailable: "0%" }, 5)).toEqual({ surge: 0, unavailable: 1 });
  });

  it("maxUnavailable is 0 for Recreate or no replicas and never exceeds replicas", () => {
    expect(maxUnavailable(spec(0))).toBe(0);
    expect(maxUnavailable(spec(2, 0, 5))).toBe(2);
    expect(maxUnavailable({ ...spec(4), strategy: "Recreate" })).toBe(0);
    expect(maxSurge({ ...spec(4), strategy: "Recreate" })).toBe(0);
    expect(maxSurge(spec(4))).toBe(1);
  });
});

describe("a rolling step", () => {
  it("scales the new ReplicaSet up within the surge", () => {
    // 10 replicas, surge 3: old 10 + new 0 → new may go to 3.
    expect(newReplicaSetSize(spec(10, 3, 2), 10, 0)).toBe(3);
    // Already at replicas + surge: no growth.
    expect(newReplicaSetSize(spec(10, 3, 2), 13, 3)).toBe(3);
    // Never beyond replicas for the new one.
    expect(newReplicaSetSize(spec(10, 3, 2), 9, 9)).toBe(10);
    expect(newReplicaSetSize({ ...spec(4), strategy: "Recreate" }, 0, 0)).toBe(4);
  });

  it("scales old ReplicaSets down only within maxUnavailable", () => {
    // The k8s example: 10 replicas, maxUnavailable 2, new RS of 5 not available, 13 pods.
    expect(maxScaleDown(spec(10, 3, 2), { allReplicas: 13, newReplicas: 5, newAvailable: 0 })).toBe(0);
    // After a rollback to the good RS: 1 unavailable in the new one.
    expect(maxScaleDown(spec(10, 3, 2), { allReplicas: 13, newReplicas: 5, newAvailable: 4 })).toBe(4);
    expect(availableScaleDown(spec(10, 3, 2), 9)).toBe(1);
    expect(availableScaleDown(spec(10, 3, 2), 8)).toBe(0);
    expect(availableScaleDown(spec(10, 3, 2), 5)).toBe(0);
  });
});

describe("proportional scaling", () => {
  it("shares an increase by each ReplicaSet's fraction, capped by what is left", () => {
    // 10 → 20 (surge 25% → 5): an RS sized 6 for a max of 13 gets round(6*25/13) - 6 = 6.
    const d = spec(20);
    expect(replicaSetFraction(d, { size: 6, annotatedMax: 13, statusReplicas: 13 })).toBe(6);
    expect(proportion(d, { size: 6, annotatedMax: 13, statusReplicas: 13 }, 12, 0)).toBe(6);
    expect(proportion(d, { size: 6, annotatedMax: 13, statusReplicas: 13 }, 12, 10)).toBe(2);
    expect(proportion(d, { size: 0, annotatedMax: 13, statusReplicas: 13 }, 12, 0)).toBe(0);
  });

  it("removes a whole ReplicaSet when scaling to zero and caps decreases", () => {
    expect(replicaSetFraction(spec(0), { size: 4, annotatedMax: 5, statusReplicas: 5 })).toBe(-4);
    expect(proportion(spec(5), { size: 8, annotatedMax: 13, statusReplicas: 13 }, -2, 0)).toBe(-2);
    // No annotation: the Deployment's status.replicas stands in.
    expect(replicaSetFraction(spec(8, 0, 1), { size: 4, annotatedMax: undefined, statusReplicas: 4 })).toBe(
      4,
    );
  });
});
