// TaintToleration: the pod tolerates every NoSchedule and NoExecute taint of the node; the
// reason names the first one it does not.
import { firstUntolerated } from "../taints.js";
import type { FilterPlugin, NodeView, PodInfo } from "../types.js";

export const taintToleration: FilterPlugin = {
  name: "TaintToleration",
  filter(pod: PodInfo, node: NodeView): string[] {
    const taint = firstUntolerated(node.taints, pod.tolerations, ["NoSchedule", "NoExecute"]);
    return taint === undefined ? [] : [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`];
  },
};
