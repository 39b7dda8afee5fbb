// The default scores with kube-scheduler's weights.
import type { ScorePlugin } from "../types.js";
import { balancedAllocation } from "./balanced-allocation.js";
import { leastAllocated } from "./least-allocated.js";
import { preferredNodeAffinity } from "./node-affinity.js";
import { preferNoScheduleTaints } from "./taint-toleration.js";

export const defaultScores: readonly ScorePlugin[] = [
  preferNoScheduleTaints,
  preferredNodeAffinity,
  leastAllocated,
  balancedAllocation,
];
