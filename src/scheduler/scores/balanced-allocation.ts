// NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
// shares once the pod is added (1 - the standard deviation of the two fractions).
import type { NodeView, PodInfo, ScorePlugin } from "../types.js";
import { MAX_NODE_SCORE } from "../types.js";

export const balancedAllocation: ScorePlugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  score(pod: PodInfo, node: NodeView): number {
    const cpu = node.allocatable.milliCpu;
    const memory = node.allocatable.memory;
    // With one resource (or none) known there is nothing to balance.
    if (cpu === 0 || memory === 0) return MAX_NODE_SCORE;
    const a = Math.min(1, (node.requested.milliCpu + pod.requests.milliCpu) / cpu);
    const b = Math.min(1, (node.requested.memory + pod.requests.memory) / memory);
    return Math.trunc((1 - Math.abs((a - b) / 2)) * MAX_NODE_SCORE);
  },
};
