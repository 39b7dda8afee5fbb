// What of a Node can change where pods fit (labels, taints, cordon, allocatable, conditions): a
// node update that changes none of it — a heartbeat — does not retry the parked pods.
import { isObject, listAt, objAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";

export function nodeSignature(node: KubeObject): string {
  const spec = objAt(node, "spec");
  const status = objAt(node, "status");
  const conditions = listAt(status, "conditions")
    .filter(isObject)
    .map((c) => [c["type"], c["status"]]);
  return JSON.stringify([
    node.metadata.labels ?? {},
    spec?.["unschedulable"] === true,
    spec?.["taints"] ?? [],
    status?.["allocatable"] ?? {},
    conditions,
  ]);
}
