import { describe, expect, it } from "vitest";
import { node, pod, podObject } from "../fixtures.test-util.js";
import { podInfo } from "../pod-info.js";
import { ERR_NODE_PORTS, nodePorts } from "./node-ports.js";

function withPort(name: string, port: number, hostIP?: string, protocol = "TCP") {
  const obj = podObject(name);
  const spec = obj["spec"] as { containers: Record<string, unknown>[] };
  spec.containers[0] = { name: "c", ports: [{ containerPort: port, hostPort: port, protocol, hostIP }] };
  return podInfo(obj);
}

describe("NodePorts", () => {
  it("refuses a host port already taken on the node", () => {
    const n = node("n1", {}, [pod("a", { hostPorts: [8080] })]);
    expect(nodePorts.filter(pod("p", { hostPorts: [8080] }), n)).toEqual([ERR_NODE_PORTS]);
    expect(nodePorts.filter(pod("p", { hostPorts: [8081] }), n)).toEqual([]);
    expect(nodePorts.filter(pod("p"), n)).toEqual([]);
  });

  it("tells protocols and specific host IPs apart; 0.0.0.0 conflicts with every IP", () => {
    const n = node("n1", {}, [withPort("a", 53, "10.0.0.1", "UDP")]);
    expect(nodePorts.filter(withPort("p", 53, "10.0.0.1", "TCP"), n)).toEqual([]);
    expect(nodePorts.filter(withPort("p", 53, "10.0.0.2", "UDP"), n)).toEqual([]);
    expect(nodePorts.filter(withPort("p", 53, "10.0.0.1", "UDP"), n)).toEqual([ERR_NODE_PORTS]);
    expect(nodePorts.filter(withPort("p", 53, undefined, "UDP"), n)).toEqual([ERR_NODE_PORTS]);
  });

  it("frees the port when the pod leaves the node", () => {
    const n = node("n1", {}, [pod("a", { hostPorts: [8080] })]);
    n.removePod("default/a");
    expect(nodePorts.filter(pod("p", { hostPorts: [8080] }), n)).toEqual([]);
  });
});
