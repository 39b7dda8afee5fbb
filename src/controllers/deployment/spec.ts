// Typed readers over Deployment and ReplicaSet JSON: the controller reads fields through these,
// with Kubernetes' defaults, instead of casting at every use.
import { isObject, numAt, objAt, strAt, type JsonObject } from "../../api/resources/json.js";
import type { KubeObject } from "../../api/types.js";

export type IntOrPercent = number | string;

export interface RollingParams {
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
}

export interface DeploymentSpecView {
  replicas: number;
  minReadySeconds: number;
  paused: boolean;
  /** undefined: keep every old ReplicaSet. */
  revisionHistoryLimit: number | undefined;
  /** undefined: no deadline (progress is not estimated). */
  progressDeadlineSeconds: number | undefined;
  strategy: "Recreate" | "RollingUpdate";
  rolling: RollingParams;
  selector: JsonObject;
  template: JsonObject;
}

export function deploymentSpec(d: KubeObject): DeploymentSpecView {
  const spec = objAt(d, "spec") ?? {};
  const strategy = objAt(spec, "strategy");
  const ru = objAt(strategy, "rollingUpdate");
  const intOrPercent = (v: unknown, dflt: IntOrPercent): IntOrPercent =>
    typeof v === "number" || typeof v === "string" ? v : dflt;
  return {
    replicas: numAt(spec, "replicas") ?? 1,
    minReadySeconds: numAt(spec, "minReadySeconds") ?? 0,
    paused: spec.paused === true,
    revisionHistoryLimit: numAt(spec, "revisionHistoryLimit"),
    progressDeadlineSeconds: numAt(spec, "progressDeadlineSeconds"),
    strategy: strAt(strategy, "type") === "Recreate" ? "Recreate" : "RollingUpdate",
    rolling: {
      maxSurge: intOrPercent(ru?.maxSurge, "25%"),
      maxUnavailable: intOrPercent(ru?.maxUnavailable, "25%"),
    },
    selector: objAt(spec, "selector") ?? {},
    template: objAt(spec, "template") ?? {},
  };
}

/** progressDeadlineSeconds is set (and not MaxInt32, which kubectl uses to mean "never"). */
export function hasDeadline(d: KubeObject): boolean {
  const pds = deploymentSpec(d).progressDeadlineSeconds;
  return pds !== undefined && pds < 2147483647;
}

/** `spec.replicas` of a ReplicaSet (1 when absent, as the API defaults it). */
export function rsReplicas(rs: KubeObject): number {
  return numAt(objAt(rs, "spec"), "replicas") ?? 1;
}

export interface ReplicaCounts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
}

export function rsStatus(rs: KubeObject): ReplicaCounts {
  const s = objAt(rs, "status");
  return {
    replicas: numAt(s, "replicas") ?? 0,
    readyReplicas: numAt(s, "readyReplicas") ?? 0,
    availableReplicas: numAt(s, "availableReplicas") ?? 0,
    observedGeneration: numAt(s, "observedGeneration") ?? 0,
  };
}

export function rsTemplate(rs: KubeObject): JsonObject {
  return objAt(objAt(rs, "spec"), "template") ?? {};
}

/** The object's status as a JSON object (empty when absent). */
export function statusOf(o: KubeObject): JsonObject {
  return isObject(o.status) ? o.status : {};
}

export function creationTime(o: KubeObject): number {
  const t = o.metadata.creationTimestamp;
  return t === undefined ? 0 : Date.parse(t);
}

/** Oldest first; ties by name, so that every sync sees the same order. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return creationTime(a) - creationTime(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/** ReplicaSets that want pods (spec.replicas > 0). */
export function activeOf(rss: KubeObject[]): KubeObject[] {
  return rss.filter((rs) => rsReplicas(rs) > 0);
}

export function sumReplicas(rss: KubeObject[]): number {
  return rss.reduce((n, rs) => n + rsReplicas(rs), 0);
}

/**
 * Available pods a ReplicaSet will keep: its status, capped by its size (a ReplicaSet just
 * scaled down still reports the pods it is about to delete).
 */
export function availableOf(rs: KubeObject): number {
  return Math.min(rsReplicas(rs), rsStatus(rs).availableReplicas);
}

export function sumAvailable(rss: KubeObject[]): number {
  return rss.reduce((n, rs) => n + availableOf(rs), 0);
}

export function sumStatus(rss: KubeObject[], field: keyof ReplicaCounts): number {
  return rss.reduce((n, rs) => n + rsStatus(rs)[field], 0);
}
