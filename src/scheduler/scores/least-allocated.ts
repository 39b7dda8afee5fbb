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
    const cpu = node.allocatable.milliCpu;
    const memory = node.allocatable.memory;
    let sum = 0;
    let weights = 0;
    if (cpu > 0) {
      sum += leastRequested(node.nonZeroRequested.milliCpu + pod.nonZero.milliCpu, cpu);
      weights++;
    }
    if (memory > 0) {
      sum += leastRequested(node.nonZeroRequested.memory + pod.nonZero.memory, memory);
      weights++;
    }
    return weights === 0 ? 0 : Math.floor(sum / weights);
  },
};
