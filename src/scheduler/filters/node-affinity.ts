// NodeAffinity: spec.nodeSelector and the required node affinity terms (labels and metadata.name).
import { anyTermMatches, selectorMatches } from "../node-selector.js";
import { FITS, type FilterPlugin, type NodeView, type PodInfo } from "../types.js";

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin = {
  name: "NodeAffinity",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    if (!selectorMatches(pod.nodeSelector, node.labels)) return [ERR_NODE_AFFINITY];
    if (pod.requiredTerms !== undefined && !anyTermMatches(pod.requiredTerms, node.labels, node.name)) {
      return [ERR_NODE_AFFINITY];
    }
    return FITS;
  },
};
