// Which nodes a DaemonSet runs on (k8s NodeShouldRunDaemonPod): its pod's nodeSelector and
// required node affinity, and the node's taints against the pod's tolerations plus those every
// daemon pod gets — a NoSchedule taint keeps new pods off, a NoExecute one removes running ones.
import type { KubeObject } from "../../api/types.js";
import { arr, rec } from "../pod-util.js";
import { TaintKeys, taintsOf, untolerated, type Toleration } from "../taints.js";

/** The tolerations k8s adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(podSpec: Record<string, unknown>): Toleration[] {
  const added: Toleration[] = [
    { key: TaintKeys.notReady, operator: "Exists", effect: "NoExecute" },
    { key: TaintKeys.unreachable, operator: "Exists", effect: "NoExecute" },
    { key: TaintKeys.diskPressure, operator: "Exists", effect: "NoSchedule" },
    { key: TaintKeys.memoryPressure, operator: "Exists", effect: "NoSchedule" },
    { key: TaintKeys.pidPressure, operator: "Exists", effect: "NoSchedule" },
    { key: TaintKeys.unschedulable, operator: "Exists", effect: "NoSchedule" },
  ];
  if (podSpec.hostNetwork === true) {
    added.push({ key: TaintKeys.networkUnavailable, operator: "Exists", effect: "NoSchedule" });
  }
  const own = arr(podSpec.tolerations) as Toleration[];
  const same = (a: Toleration, b: Toleration) =>
    a.key === b.key && (a.operator ?? "Equal") === (b.operator ?? "Equal") && a.effect === b.effect;
  return [...own, ...added.filter((t) => !own.some((o) => same(o, t)))];
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const n = Number(value);
      const bound = Number(values[0]);
      return r.operator === "Gt" ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: all its expressions (labels) and fields (metadata.name) hold; empty: none. */
function termMatches(term: Record<string, unknown>, node: KubeObject): boolean {
  const exprs = arr(term.matchExpressions) as Requirement[];
  const fields = arr(term.matchFields) as Requirement[];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const fieldValue = (key: string) => (key === "metadata.name" ? node.metadata.name : undefined);
  return (
    exprs.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => requirementMatches(r, fieldValue(r.key)))
  );
}

/** The pod spec's nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity. */
export function nodeMatchesPodSpec(podSpec: Record<string, unknown>, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = rec(podSpec.nodeSelector) as Record<string, string>;
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const required = rec(
    rec(rec(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution,
  );
  if (required.nodeSelectorTerms === undefined) return true;
  return arr(required.nodeSelectorTerms).some((t) => termMatches(rec(t), node));
}

export interface Placement {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

export function placement(ds: KubeObject, node: KubeObject): Placement {
  const podSpec = rec(rec(rec(ds.spec).template).spec);
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (
    typeof podSpec.nodeName === "string" &&
    podSpec.nodeName !== "" &&
    podSpec.nodeName !== node.metadata.name
  )
    return no;
  if (!nodeMatchesPodSpec(podSpec, node)) return no;
  const tolerations = daemonTolerations(podSpec);
  const taints = taintsOf(node);
  if (untolerated(taints, tolerations, ["NoExecute"]).length) return no;
  if (untolerated(taints, tolerations, ["NoSchedule"]).length)
    return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The node a daemon pod belongs to: spec.nodeName, else the node its affinity pins it to. */
export function daemonPodNode(pod: KubeObject): string | undefined {
  const spec = rec(pod.spec);
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return spec.nodeName;
  const terms = arr(
    rec(rec(rec(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution)
      .nodeSelectorTerms,
  );
  for (const t of terms) {
    for (const f of arr(rec(t).matchFields) as Requirement[]) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
