import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { balancedAllocation } from "./balanced-allocation.js";

describe("BalancedAllocation score", () => {
  it("is 100 when cpu and memory would be used in the same share", () => {
    expect(balancedAllocation.score(pod("p", { cpu: "1", memory: "2Gi" }), node("n1"))).toBe(100);
  });

  it("drops with the difference of the shares", () => {
    // cpu 0.5, memory 0 → std 0.25 → 75
    expect(balancedAllocation.score(pod("p", { cpu: "2" }), node("n1"))).toBe(75);
    // with a memory-heavy pod already there: cpu 0.5, memory 0.5 → 100
    const n = node("n1", {}, [pod("a", { memory: "4Gi" })]);
    expect(balancedAllocation.score(pod("p", { cpu: "2" }), n)).toBe(100);
  });
});
