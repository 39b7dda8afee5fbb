// NodeResourcesFit's LeastAllocated score: the free share of cpu and memory once the pod is added
// (requests with the 100m / 200Mi defaults), averaged with equal weights.
import type { NodeView, PodInfo, ScorePlugin } from "../types.js";
import { MAX_NODE_SCORE } from "../types.js";

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const leastAllocated: ScorePlugin = {
  name: "NodeResourcesFit",
  weight: 1,
  score(pod: PodInfo, node: NodeView): number {
    let sum = 0;
    let weights = 0;
    const pairs: [number, number][] = [
      [node.nonZeroRequested.milliCpu + pod.nonZero.milliCpu, node.allocatable.milliCpu],
      [node.nonZeroRequested.memory + pod.nonZero.memory, node.allocatable.memory],
    ];
    for (const [requested, capacity] of pairs) {
      if (capacity === 0) continue;
      sum += leastRequested(requested, capacity);
      weights += 1;
    }
    return weights === 0 ? 0 : Math.floor(sum / weights);
  },
};
