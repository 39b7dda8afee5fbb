// The annotations a Deployment and its ReplicaSets carry: revisions, the replica counts a
// ReplicaSet was sized for, and the Deployment's own annotations copied onto its new ReplicaSet.
import type { KubeObject } from "../../api/types.js";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const ROLLBACK_TO = "deprecated.deployment.rollback.to";
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Deployment annotations that stay on the Deployment (kubectl's rollback keeps the same list). */
const SKIP_COPY = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  ROLLBACK_TO,
]);

/** Longest revision-history annotation kept, in characters. */
const MAX_HISTORY_CHARS = 2000;

export function skipCopyAnnotation(key: string): boolean {
  return SKIP_COPY.has(key);
}

function annotations(o: KubeObject): Record<string, string> {
  o.metadata.annotations ??= {};
  return o.metadata.annotations;
}

/** A non-negative integer annotation, or undefined when absent or not a number. */
export function intAnnotation(o: KubeObject, key: string): number | undefined {
  const v = o.metadata.annotations?.[key];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The revision of a ReplicaSet (0 when it has none). */
export function revisionOf(o: KubeObject): number {
  return intAnnotation(o, REVISION) ?? 0;
}

export function maxRevision(rss: KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** Copies every Deployment annotation but the skip-list onto `rs` (mutated); true when any changed. */
export function copyDeploymentAnnotations(d: KubeObject, rs: KubeObject): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || rs.metadata.annotations?.[k] === v) continue;
    annotations(rs)[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired- and max-replicas on `rs` (mutated); true when either changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = annotations(rs);
  const changed = a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return changed;
}

/** Appends `old` to a comma list of revisions, dropping the oldest beyond the size limit. */
export function appendRevisionHistory(history: string | undefined, old: string): string {
  const list = history ? history.split(",") : [];
  list.push(old);
  while (list.join(",").length > MAX_HISTORY_CHARS && list.length > 1) list.shift();
  return list.join(",");
}

export interface NewRsAnnotations {
  /** The revision this ReplicaSet should have at least (max of the old ones + 1). */
  revision: number;
  /** The Deployment's desired and surge-inclusive replica counts, for a ReplicaSet being created. */
  replicas?: { desired: number; max: number };
}

/**
 * Brings the new ReplicaSet's annotations in line with its Deployment (`rs` is mutated): copies
 * the Deployment's annotations, raises its revision when below `revision` (remembering the
 * revisions it had, as a rollback to it does), and for a ReplicaSet about to be created the
 * replica annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, o: NewRsAnnotations): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotations(rs);
  const oldText = a[REVISION];
  if (oldText !== undefined && !/^\d+$/.test(oldText)) return changed;
  const old = oldText === undefined ? 0 : Number(oldText);
  if (old < o.revision) {
    a[REVISION] = String(o.revision);
    changed = true;
    if (oldText !== undefined) a[REVISION_HISTORY] = appendRevisionHistory(a[REVISION_HISTORY], oldText);
  }
  if (o.replicas && setReplicasAnnotations(rs, o.replicas.desired, o.replicas.max)) changed = true;
  return changed;
}
