// TaintToleration's score: fewer PreferNoSchedule taints the pod does not tolerate is better.
import { toleratedBy } from "../taints.js";
import type { NodeView, PodInfo, ScorePlugin } from "../types.js";
import { defaultNormalize } from "./normalize.js";

export const preferNoScheduleTaints: ScorePlugin = {
  name: "TaintToleration",
  weight: 3,
  score(pod: PodInfo, node: NodeView): number {
    if (node.taints.length === 0) return 0;
    const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    let count = 0;
    for (const taint of node.taints) {
      if (taint.effect === "PreferNoSchedule" && !toleratedBy(tolerations, taint)) count++;
    }
    return count;
  },
  normalize: (scores) => defaultNormalize(scores, true),
};
