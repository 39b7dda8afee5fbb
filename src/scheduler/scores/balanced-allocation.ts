// NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
// shares once the pod is added (1 - the standard deviation of the two fractions).
import type { NodeView, PodInfo, ScorePlugin } from "../types.js";
import { MAX_NODE_SCORE } from "../types.js";

export const balancedAllocation: ScorePlugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  score(pod: PodInfo, node: NodeView): number {
    const fractions: number[] = [];
    const pairs: [number, number][] = [
      [node.requested.milliCpu + pod.requests.milliCpu, node.allocatable.milliCpu],
      [node.requested.memory + pod.requests.memory, node.allocatable.memory],
    ];
    for (const [requested, capacity] of pairs) {
      if (capacity === 0) continue;
      fractions.push(Math.min(1, requested / capacity));
    }
    const [a, b] = fractions;
    const std = a !== undefined && b !== undefined ? Math.abs((a - b) / 2) : 0;
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
};
