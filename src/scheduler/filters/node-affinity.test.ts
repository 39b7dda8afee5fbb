import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { ERR_NODE_AFFINITY, nodeAffinity } from "./node-affinity.js";

const required = (...terms: unknown[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
});

describe("NodeAffinity filter", () => {
  const n = node("n1", { labels: { disk: "ssd", zone: "a" } });

  it("checks spec.nodeSelector", () => {
    expect(nodeAffinity.filter(pod("p", { nodeSelector: { disk: "ssd" } }), n)).toEqual([]);
    expect(nodeAffinity.filter(pod("p", { nodeSelector: { disk: "hdd" } }), n)).toEqual([ERR_NODE_AFFINITY]);
  });

  it("checks the required terms (ORed) together with the nodeSelector", () => {
    const zoneB = { matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] };
    const named = { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] };
    expect(nodeAffinity.filter(pod("p", { affinity: required(zoneB) }), n)).toEqual([ERR_NODE_AFFINITY]);
    expect(nodeAffinity.filter(pod("p", { affinity: required(zoneB, named) }), n)).toEqual([]);
    expect(
      nodeAffinity.filter(pod("p", { affinity: required(named), nodeSelector: { disk: "hdd" } }), n),
    ).toEqual([ERR_NODE_AFFINITY]);
  });

  it("an empty term list matches no node", () => {
    expect(nodeAffinity.filter(pod("p", { affinity: required() }), n)).toEqual([ERR_NODE_AFFINITY]);
  });

  it("ignores preferred terms", () => {
    const preferred = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] } },
        ],
      },
    };
    expect(nodeAffinity.filter(pod("p", { affinity: preferred }), n)).toEqual([]);
  });
});
