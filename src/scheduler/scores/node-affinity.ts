// NodeAffinity's score: the summed weights of the preferred terms the node matches, normalized.
import { termMatches } from "../node-selector.js";
import type { NodeView, PodInfo, ScorePlugin } from "../types.js";
import { defaultNormalize } from "./normalize.js";

export const preferredNodeAffinity: ScorePlugin = {
  name: "NodeAffinity",
  weight: 2,
  score(pod: PodInfo, node: NodeView): number {
    if (pod.preferredTerms.length === 0) return 0;
    let sum = 0;
    for (const t of pod.preferredTerms) {
      if (t.weight !== 0 && termMatches(t.preference, node.labels, node.name)) sum += t.weight;
    }
    return sum;
  },
  normalize: (scores) => defaultNormalize(scores, false),
};
