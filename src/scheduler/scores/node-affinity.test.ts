import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { preferredNodeAffinity } from "./node-affinity.js";

describe("NodeAffinity score", () => {
  const p = pod("p", {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
          { weight: 5, preference: { matchExpressions: [{ key: "disk", operator: "Exists" }] } },
        ],
      },
    },
  });

  it("sums the weights of the matching preferences, then normalizes to 0..100", () => {
    const scores = [
      preferredNodeAffinity.score(p, node("a", { labels: { zone: "a", disk: "ssd" } })),
      preferredNodeAffinity.score(p, node("b", { labels: { zone: "a" } })),
      preferredNodeAffinity.score(p, node("c")),
    ];
    expect(scores).toEqual([15, 10, 0]);
    preferredNodeAffinity.normalize?.(scores);
    expect(scores).toEqual([100, 66, 0]);
  });
});
