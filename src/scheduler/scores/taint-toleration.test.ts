import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { preferNoScheduleTaints } from "./taint-toleration.js";

describe("TaintToleration score", () => {
  it("prefers nodes with fewer untolerated PreferNoSchedule taints", () => {
    const soft = (key: string) => ({ key, effect: "PreferNoSchedule" });
    const p = pod("p", { tolerations: [{ key: "b", operator: "Exists", effect: "PreferNoSchedule" }] });
    const scores = [
      preferNoScheduleTaints.score(p, node("n1", { taints: [soft("a"), soft("c")] })),
      preferNoScheduleTaints.score(p, node("n2", { taints: [soft("a"), soft("b")] })),
      preferNoScheduleTaints.score(p, node("n3", { taints: [{ key: "x", effect: "NoSchedule" }] })),
    ];
    expect(scores).toEqual([2, 1, 0]);
    preferNoScheduleTaints.normalize?.(scores);
    expect(scores).toEqual([0, 50, 100]);
  });

  it("gives every node 100 when none has such taints", () => {
    const scores = [0, 0];
    preferNoScheduleTaints.normalize?.(scores);
    expect(scores).toEqual([100, 100]);
  });
});
