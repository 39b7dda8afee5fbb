// NodeResourcesFit: the pod's requests fit in the node's allocatable minus what the pods bound or
// assumed there request, and the node has room for one more pod. Reasons as kube-scheduler words them.
import { isZero } from "../resources.js";
import { FITS, type FilterPlugin, type NodeView, type PodInfo } from "../types.js";

export const nodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(pod: PodInfo, node: NodeView): readonly string[] {
    const want = pod.requests;
    const have = node.allocatable;
    const used = node.requested;
    const tooMany = node.podCount + 1 > node.allowedPods;
    // The common case, decided without allocating: enough of everything.
    if (
      !tooMany &&
      want.milliCpu <= have.milliCpu - used.milliCpu &&
      want.memory <= have.memory - used.memory &&
      want.ephemeralStorage <= have.ephemeralStorage - used.ephemeralStorage &&
      want.scalar.size === 0
    ) {
      return FITS;
    }
    const reasons: string[] = [];
    if (tooMany) reasons.push("Too many pods");
    if (isZero(want)) return reasons;
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
