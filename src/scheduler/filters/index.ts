// The default filters in kube-scheduler's order; a node's reasons come from the first that fails.
import type { FilterPlugin } from "../types.js";
import { nodeAffinity } from "./node-affinity.js";
import { nodeName } from "./node-name.js";
import { nodePorts } from "./node-ports.js";
import { nodeResourcesFit } from "./node-resources-fit.js";
import { nodeUnschedulable } from "./node-unschedulable.js";
import { taintToleration } from "./taint-toleration.js";

export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];
