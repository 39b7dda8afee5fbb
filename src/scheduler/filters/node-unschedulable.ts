// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).
import { toleratedBy } from "../taints.js";
import { FITS, type FilterPlugin, type NodeView, type PodInfo } from "../types.js";

export const ERR_UNSCHEDULABLE = "node(s) were unschedulable";
const TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulable: FilterPlugin = {
  name: "NodeUnschedulable",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    if (!node.unschedulable || toleratedBy(pod.tolerations, TAINT)) return FITS;
    return [ERR_UNSCHEDULABLE];
  },
};
