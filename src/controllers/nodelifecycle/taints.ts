// The taints the node lifecycle controller keeps in line with a node's state (k8s NoExecute
// tainting and TaintNodesByCondition): not-ready / unreachable with both effects from the Ready
// condition, pressure and network taints from their conditions, unschedulable from the cordon.
import type { KubeObject } from "../../api/types.js";
import { getCondition, rec, rfc3339 } from "../pod-util.js";
import { TaintKeys, taintsOf, type Taint } from "../taints.js";
import { readyStatus } from "./health.js";

const MANAGED = new Set<string>(Object.values(TaintKeys));

/** The managed taints the node's state calls for. */
export function wantedTaints(node: KubeObject): Taint[] {
  const out: Taint[] = [];
  const ready = readyStatus(node);
  if (ready === "False") {
    out.push(
      { key: TaintKeys.notReady, effect: "NoExecute" },
      { key: TaintKeys.notReady, effect: "NoSchedule" },
    );
  } else if (ready === "Unknown") {
    out.push(
      { key: TaintKeys.unreachable, effect: "NoExecute" },
      { key: TaintKeys.unreachable, effect: "NoSchedule" },
    );
  }
  const conditionTaints: [string, string][] = [
    ["MemoryPressure", TaintKeys.memoryPressure],
    ["DiskPressure", TaintKeys.diskPressure],
    ["PIDPressure", TaintKeys.pidPressure],
    ["NetworkUnavailable", TaintKeys.networkUnavailable],
  ];
  for (const [type, key] of conditionTaints) {
    if (getCondition(node, type)?.status === "True") out.push({ key, effect: "NoSchedule" });
  }
  if (rec(node.spec).unschedulable === true) out.push({ key: TaintKeys.unschedulable, effect: "NoSchedule" });
  return out;
}

/**
 * The node's taints with the managed ones brought in line (others untouched; kept managed taints
 * keep their timeAdded; new NoExecute ones get `now`); undefined when nothing changes. With
 * `noScheduleOnly`, only the NoSchedule ones (k8s doNoScheduleTaintingPass, run on node events).
 */
export function reconcileTaints(
  node: KubeObject,
  now: Date,
  o: { noScheduleOnly?: boolean } = {},
): Taint[] | undefined {
  const current = taintsOf(node);
  const inScope = (t: Taint) => !o.noScheduleOnly || t.effect === "NoSchedule";
  const wanted = wantedTaints(node).filter(inScope);
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const next = current.filter((t) => !MANAGED.has(t.key) || !inScope(t) || wanted.some((w) => same(w, t)));
  for (const w of wanted) {
    if (next.some((t) => same(t, w))) continue;
    next.push(w.effect === "NoExecute" ? { ...w, timeAdded: rfc3339(now) } : w);
  }
  const changed = next.length !== current.length || next.some((t, i) => t !== current[i]);
  return changed ? next : undefined;
}
