import { describe, expect, it } from "vitest";
import { fitErrorMessage, NO_NODES_AVAILABLE } from "./fit-error.js";

describe("fitErrorMessage", () => {
  it("words a single reason as kube-scheduler does", () => {
    expect(fitErrorMessage(3, new Map([["Insufficient cpu", 3]]))).toBe(
      "0/3 nodes are available: 3 Insufficient cpu.",
    );
  });

  it("sorts the '<count> <reason>' entries as strings", () => {
    const reasons = new Map([
      ["node(s) were unschedulable", 1],
      ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }", 1],
    ]);
    expect(fitErrorMessage(2, reasons)).toBe(
      "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable.",
    );
    const counted = new Map([
      ["Insufficient cpu", 1],
      ["Insufficient memory", 2],
      ["Too many pods", 1],
    ]);
    expect(fitErrorMessage(3, counted)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 Too many pods, 2 Insufficient memory.",
    );
  });

  it("says so when there are no nodes", () => {
    expect(fitErrorMessage(0, new Map())).toBe(NO_NODES_AVAILABLE);
  });
});
