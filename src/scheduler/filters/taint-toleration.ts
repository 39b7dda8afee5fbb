// TaintToleration: the pod tolerates every NoSchedule and NoExecute taint of the node; the
// reason names the first one it does not.
import { firstUntolerated } from "../taints.js";
import { FITS, type FilterPlugin, type NodeView, type PodInfo } from "../types.js";

export const taintToleration: FilterPlugin = {
  name: "TaintToleration",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    if (node.taints.length === 0) return FITS;
    const taint = firstUntolerated(node.taints, pod.tolerations, ["NoSchedule", "NoExecute"]);
    return taint === undefined
      ? FITS
      : [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`];
  },
};
