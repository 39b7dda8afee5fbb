// NodePorts: none of the pod's host ports is already taken on the node (same port and protocol,
// and the same host IP or either one 0.0.0.0).
import { FITS, type FilterPlugin, type HostPort, type NodeView, type PodInfo } from "../types.js";

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

function conflicts(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.hostIP === b.hostIP || a.hostIP === "0.0.0.0" || b.hostIP === "0.0.0.0";
}

export const nodePorts: FilterPlugin = {
  name: "NodePorts",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    if (pod.hostPorts.length === 0 || node.usedPorts.length === 0) return FITS;
    for (const want of pod.hostPorts) {
      if (node.usedPorts.some((used) => conflicts(want, used))) return [ERR_NODE_PORTS];
    }
    return FITS;
  },
};
