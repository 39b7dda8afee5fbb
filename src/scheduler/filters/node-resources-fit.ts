// NodeResourcesFit: the pod's requests fit in the node's allocatable minus what the pods bound or
// assumed there request, and the node has room for one more pod. Reasons as kube-scheduler words them.
import { isZero } from "../resources.js";
import type { FilterPlugin, NodeView, PodInfo } from "../types.js";

export const nodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(pod: PodInfo, node: NodeView): string[] {
    const reasons: string[] = [];
    if (node.podCount + 1 > node.allowedPods) reasons.push("Too many pods");
    const want = pod.requests;
    if (isZero(want)) return reasons;
    const have = node.allocatable;
    const used = node.requested;
    if (want.milliCpu > 0 && want.milliCpu > have.milliCpu - used.milliCpu) reasons.push("Insufficient cpu");
    if (want.memory > 0 && want.memory > have.memory - used.memory) reasons.push("Insufficient memory");
    if (want.ephemeralStorage > 0 && want.ephemeralStorage > have.ephemeralStorage - used.ephemeralStorage) {
      reasons.push("Insufficient ephemeral-storage");
    }
    for (const [name, amount] of want.scalar) {
      if (amount === 0) continue;
      if (amount > (have.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0))
        reasons.push(`Insufficient ${name}`);
    }
    return reasons;
  },
};
