// A pod object read once into the PodInfo the filters, scores, queue and cache use.
import { isObject, listAt, numAt, objAt, strAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { podRequests } from "./resources.js";
import type {
  HostPort,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodInfo,
  PreferredSchedulingTerm,
  Toleration,
} from "./types.js";

export function podKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function podInfo(pod: KubeObject): PodInfo {
  const spec = objAt(pod, "spec") ?? {};
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const nonZero = podRequests(spec, { nonZero: true });
  const affinity = objAt(objAt(spec, "affinity"), "nodeAffinity");
  const required = objAt(affinity, "requiredDuringSchedulingIgnoredDuringExecution");
  const phase = strAt(objAt(pod, "status"), "phase");
  return {
    key: podKey(namespace, name),
    namespace,
    name,
    uid: pod.metadata.uid ?? "",
    pod,
    nodeName: strAt(spec, "nodeName") ?? "",
    schedulerName: strAt(spec, "schedulerName") || "default-scheduler",
    requests: podRequests(spec),
    nonZero: { milliCpu: nonZero.milliCpu, memory: nonZero.memory },
    hostPorts: hostPortsOf(spec),
    tolerations: listAt(spec, "tolerations").filter(isObject).map(toleration),
    nodeSelector: stringMap(objAt(spec, "nodeSelector")),
    requiredTerms: required === undefined ? undefined : terms(listAt(required, "nodeSelectorTerms")),
    preferredTerms: listAt(affinity, "preferredDuringSchedulingIgnoredDuringExecution")
      .filter(isObject)
      .map((p): PreferredSchedulingTerm => ({
        weight: numAt(p, "weight") ?? 0,
        preference: term(objAt(p, "preference")),
      })),
    priority: numAt(spec, "priority") ?? 0,
    terminal: phase === "Succeeded" || phase === "Failed",
    deleting: pod.metadata.deletionTimestamp !== undefined,
    gated: listAt(spec, "schedulingGates").length > 0,
  };
}

function stringMap(o: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

function toleration(t: Record<string, unknown>): Toleration {
  return {
    key: strAt(t, "key"),
    operator: strAt(t, "operator"),
    value: strAt(t, "value"),
    effect: strAt(t, "effect"),
  };
}

function requirements(list: unknown[]): NodeSelectorRequirement[] {
  return list.filter(isObject).map((r) => ({
    key: strAt(r, "key") ?? "",
    operator: strAt(r, "operator") ?? "",
    values: listAt(r, "values").filter((v): v is string => typeof v === "string"),
  }));
}

function term(t: unknown): NodeSelectorTerm {
  return {
    matchExpressions: requirements(listAt(t, "matchExpressions")),
    matchFields: requirements(listAt(t, "matchFields")),
  };
}

function terms(list: unknown[]): NodeSelectorTerm[] {
  return list.filter(isObject).map(term);
}

/** The host ports the pod's containers ask for (kube-scheduler counts regular containers). */
function hostPortsOf(spec: unknown): HostPort[] {
  const out: HostPort[] = [];
  for (const c of listAt(spec, "containers")) {
    for (const p of listAt(c, "ports")) {
      const port = numAt(p, "hostPort") ?? 0;
      if (port <= 0) continue;
      out.push({ port, protocol: strAt(p, "protocol") || "TCP", hostIP: strAt(p, "hostIP") || "0.0.0.0" });
    }
  }
  return out;
}
