import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { leastAllocated } from "./least-allocated.js";

describe("LeastAllocated score", () => {
  it("scores the free share of cpu and memory once the pod is added", () => {
    // (4000-1000)/4000 = 75, (8Gi-2Gi)/8Gi = 75
    expect(leastAllocated.score(pod("p", { cpu: "1", memory: "2Gi" }), node("n1"))).toBe(75);
    // cpu (4000-3000)/4000 = 25; memory (8192Mi - 2048Mi - 200Mi, "a"'s default)/8192Mi = 72 → 48
    const busy = node("n1", {}, [pod("a", { cpu: "2" })]);
    expect(leastAllocated.score(pod("p", { cpu: "1", memory: "2Gi" }), busy)).toBe(48);
  });

  it("counts pods without requests at 100m and 200Mi", () => {
    // (4000-100)*100/4000 = 97.5 → 97; (8192-200)*100/8192 = 97.5 → 97
    expect(leastAllocated.score(pod("p"), node("n1"))).toBe(97);
  });

  it("scores an overfull resource 0", () => {
    expect(leastAllocated.score(pod("p", { cpu: "5", memory: "4Gi" }), node("n1"))).toBe(25);
  });
});
