// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { FITS, type FilterPlugin, type NodeView, type PodInfo } from "../types.js";

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: "NodeName",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    return pod.nodeName === "" || pod.nodeName === node.name ? FITS : [ERR_NODE_NAME];
  },
};
