import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { nodeResourcesFit } from "./node-resources-fit.js";

describe("NodeResourcesFit", () => {
  it("fits while allocatable minus the bound pods' requests covers the pod", () => {
    const n = node("n1", { cpu: "1", memory: "1Gi" }, [pod("a", { cpu: "600m", memory: "512Mi" })]);
    expect(nodeResourcesFit.filter(pod("p", { cpu: "400m", memory: "512Mi" }), n)).toEqual([]);
    expect(nodeResourcesFit.filter(pod("p", { cpu: "401m" }), n)).toEqual(["Insufficient cpu"]);
    expect(nodeResourcesFit.filter(pod("p", { cpu: "2", memory: "1Gi" }), n)).toEqual([
      "Insufficient cpu",
      "Insufficient memory",
    ]);
  });

  it("counts pods against allocatable pods, even for pods without requests", () => {
    const n = node("n1", { pods: "1" }, [pod("a")]);
    expect(nodeResourcesFit.filter(pod("p"), n)).toEqual(["Too many pods"]);
    expect(nodeResourcesFit.filter(pod("p", { cpu: "100" }), n)).toEqual([
      "Too many pods",
      "Insufficient cpu",
    ]);
  });

  it("checks ephemeral storage and extended resources by name", () => {
    const n = node("n1", { extra: { "example.com/gpu": "1", "ephemeral-storage": "1Gi" } });
    expect(nodeResourcesFit.filter(pod("p", { requests: { "example.com/gpu": "1" } }), n)).toEqual([]);
    expect(nodeResourcesFit.filter(pod("p", { requests: { "example.com/gpu": "2" } }), n)).toEqual([
      "Insufficient example.com/gpu",
    ]);
    expect(nodeResourcesFit.filter(pod("p", { requests: { "example.com/fpga": "1" } }), n)).toEqual([
      "Insufficient example.com/fpga",
    ]);
    expect(nodeResourcesFit.filter(pod("p", { requests: { "ephemeral-storage": "2Gi" } }), n)).toEqual([
      "Insufficient ephemeral-storage",
    ]);
  });
});
