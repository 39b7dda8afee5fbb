// What every workload controller asks of pods and owners: readiness and availability as the
// kubelet reports them, controller references, label selectors, keys, and pods from templates.
import type { KubeObject, OwnerReference } from "../api/types.js";
import { labelSelectorFromObject, type LabelSelector } from "../api/registry/selectors.js";

export type Json = Record<string, unknown>;

/** `v` when it is a JSON object, else an empty one (reading optional nested fields). */
export function rec(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const { namespace, name = "" } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export const podKey = objectKey;

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export function podConditions(pod: KubeObject): PodCondition[] {
  return arr(rec(pod.status).conditions) as PodCondition[];
}

export function getCondition(obj: KubeObject, type: string): PodCondition | undefined {
  return podConditions(obj).find((c) => c.type === type);
}

export function podPhase(pod: KubeObject): string {
  const p = rec(pod.status).phase;
  return typeof p === "string" ? p : "";
}

export function isPodReady(pod: KubeObject): boolean {
  return getCondition(pod, "Ready")?.status === "True";
}

/** Ready for at least `minReadySeconds` at `now` (k8s IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  const c = getCondition(pod, "Ready");
  if (c?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  if (!c.lastTransitionTime) return false;
  return Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 <= now.getTime();
}

/** Milliseconds until a ready pod becomes available, or undefined when it is not ready. */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  const c = getCondition(pod, "Ready");
  if (c?.status !== "True" || !c.lastTransitionTime) return undefined;
  return Math.max(0, Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - now.getTime());
}

export function isPodTerminated(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === "Succeeded" || phase === "Failed";
}

/** Counts towards a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminated(pod) && pod.metadata.deletionTimestamp === undefined;
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A controller ownerReference to `owner` (blockOwnerDeletion, as k8s controllers set). */
export function ownerRefFor(owner: KubeObject, kind: string = owner.kind): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

const NOTHING = labelSelectorFromObject(undefined);

/** A spec's LabelSelector; an invalid one selects nothing. */
export function selectorOf(ls: unknown): LabelSelector {
  try {
    return labelSelectorFromObject(ls);
  } catch {
    return NOTHING;
  }
}

export const labels = {
  /** Whether a spec's LabelSelector object selects `podLabels` (absent selector: nothing). */
  matches(selector: unknown, podLabels: Readonly<Record<string, string>> | undefined): boolean {
    return selectorOf(selector).matches(podLabels ?? {});
  },
};

/** A pod from a PodTemplateSpec owned by `owner` (k8s GetPodFromTemplate). */
export function podFromTemplate(
  template: unknown,
  owner: KubeObject,
  o: { generateName: string; ownerKind?: string },
): KubeObject {
  const t = structuredClone(rec(template));
  const meta = rec(t.metadata);
  const pod: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: o.generateName,
      ...(owner.metadata.namespace !== undefined && { namespace: owner.metadata.namespace }),
      labels: { ...(rec(meta.labels) as Record<string, string>) },
      ...(meta.annotations !== undefined && {
        annotations: { ...(rec(meta.annotations) as Record<string, string>) },
      }),
      ...(Array.isArray(meta.finalizers) && { finalizers: [...(meta.finalizers as string[])] }),
      ownerReferences: [ownerRefFor(owner, o.ownerKind)],
    },
    spec: rec(t.spec),
  };
  return pod;
}

/** `<owner>-`: the API server appends 5 random characters, cutting a long base as k8s does. */
export function generateNamePrefix(ownerName: string): string {
  return `${ownerName}-`;
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
