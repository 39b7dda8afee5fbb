import { describe, expect, it } from "vitest";
import { SchedulerCache } from "./cache.js";
import { nodeObject, pod } from "./fixtures.test-util.js";

describe("SchedulerCache", () => {
  it("counts an assumed pod at once and keeps it when the binding is confirmed", () => {
    const cache = new SchedulerCache();
    cache.setNode(nodeObject("n1"));
    cache.assume(pod("p", { cpu: "1" }), "n1");
    expect(cache.nodeInfo("n1")?.requested.milliCpu).toBe(1000);
    expect(cache.isAssumed("default/p")).toBe(true);
    cache.setPod(pod("p", { cpu: "1" })); // the watch still shows it unbound
    expect(cache.isAssumed("default/p")).toBe(true);
    cache.setPod(pod("p", { cpu: "1", nodeName: "n1" }));
    expect(cache.isAssumed("default/p")).toBe(false);
    expect(cache.nodeInfo("n1")?.requested.milliCpu).toBe(1000);
    expect(cache.nodeInfo("n1")?.podCount).toBe(1);
  });

  it("forgets an assumed pod whose binding failed", () => {
    const cache = new SchedulerCache();
    cache.setNode(nodeObject("n1"));
    cache.assume(pod("p", { cpu: "1" }), "n1");
    cache.forget("default/p");
    expect(cache.nodeInfo("n1")?.requested.milliCpu).toBe(0);
    expect(cache.hasPod("default/p")).toBe(false);
  });

  it("drops pods that finished or were deleted", () => {
    const cache = new SchedulerCache();
    cache.setNode(nodeObject("n1"));
    cache.setPod(pod("a", { cpu: "1", nodeName: "n1" }));
    cache.setPod(pod("b", { cpu: "1", nodeName: "n1" }));
    cache.setPod(pod("a", { cpu: "1", nodeName: "n1", phase: "Succeeded" }));
    cache.removePod("default/b");
    expect(cache.nodeInfo("n1")?.requested.milliCpu).toBe(0);
  });

  it("lists only nodes it has seen, keeping pods of a node seen later or gone", () => {
    const cache = new SchedulerCache();
    cache.setPod(pod("a", { cpu: "1", nodeName: "n1" }));
    expect(cache.nodes()).toEqual([]);
    cache.setNode(nodeObject("n1"));
    expect(cache.nodes().map((n) => n.name)).toEqual(["n1"]);
    expect(cache.nodeInfo("n1")?.requested.milliCpu).toBe(1000);
    cache.removeNode("n1");
    expect(cache.nodes()).toEqual([]);
    cache.removePod("default/a");
    expect(cache.nodeInfo("n1")).toBeUndefined();
  });
});
