import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { ERR_UNSCHEDULABLE, nodeUnschedulable } from "./node-unschedulable.js";

describe("NodeUnschedulable", () => {
  it("refuses cordoned nodes unless the pod tolerates the unschedulable taint", () => {
    expect(nodeUnschedulable.filter(pod("p"), node("n1"))).toEqual([]);
    expect(nodeUnschedulable.filter(pod("p"), node("n1", { unschedulable: true }))).toEqual([
      ERR_UNSCHEDULABLE,
    ]);
    const tolerates = [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }];
    expect(
      nodeUnschedulable.filter(pod("p", { tolerations: tolerates }), node("n1", { unschedulable: true })),
    ).toEqual([]);
  });
});
