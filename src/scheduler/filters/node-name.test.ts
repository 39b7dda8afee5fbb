import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { ERR_NODE_NAME, nodeName } from "./node-name.js";

describe("NodeName", () => {
  it("passes pods without spec.nodeName and pods naming the node", () => {
    expect(nodeName.filter(pod("p"), node("n1"))).toEqual([]);
    expect(nodeName.filter(pod("p", { nodeName: "n1" }), node("n1"))).toEqual([]);
    expect(nodeName.filter(pod("p", { nodeName: "n2" }), node("n1"))).toEqual([ERR_NODE_NAME]);
  });
});
