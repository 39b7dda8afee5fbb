import { describe, expect, it } from "vitest";
import { schedulePod, type Profile } from "./algorithm.js";
import { defaultFilters } from "./filters/index.js";
import { node, pod } from "./fixtures.test-util.js";
import { defaultScores } from "./scores/index.js";

const profile: Profile = { filters: defaultFilters, scores: defaultScores, random: () => 0.99 };

describe("schedulePod", () => {
  it("picks the least loaded of the feasible nodes", () => {
    const nodes = [node("busy", {}, [pod("a", { cpu: "3", memory: "6Gi" })]), node("idle")];
    expect(schedulePod(pod("p", { cpu: "500m", memory: "1Gi" }), nodes, profile)).toEqual({
      node: "idle",
      feasible: 2,
    });
  });

  it("explains a pod that fits nowhere with one reason per node from the first failing filter", () => {
    const nodes = [
      node("cordoned", { unschedulable: true, cpu: "1" }),
      node("tainted", { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] }),
      node("small", { cpu: "1" }),
    ];
    const result = schedulePod(pod("p", { cpu: "2" }), nodes, profile);
    expect(result.node).toBeUndefined();
    expect(result).toMatchObject({
      message:
        "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable.",
    });
  });

  it("says so when there are no nodes", () => {
    expect(schedulePod(pod("p"), [], profile)).toMatchObject({
      message: "no nodes available to schedule pods",
    });
  });

  it("breaks ties at random", () => {
    const nodes = [node("a"), node("b"), node("c")];
    const first = schedulePod(pod("p"), nodes, { ...profile, random: () => 0.99 });
    const last = schedulePod(pod("p"), nodes, { ...profile, random: () => 0 });
    expect(first.node).toBe("a");
    expect(last.node).toBe("c");
  });

  it("weights preferred affinity over resource balance", () => {
    const affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
        ],
      },
    };
    const nodes = [
      node("idle"),
      node("zoned", { labels: { zone: "a" } }, [pod("x", { cpu: "1", memory: "2Gi" })]),
    ];
    expect(schedulePod(pod("p", { affinity }), nodes, profile).node).toBe("zoned");
  });
});
