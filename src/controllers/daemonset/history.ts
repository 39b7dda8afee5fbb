// A DaemonSet's revisions as Kubernetes keeps them (k8s constructHistory/cleanupHistory): one
// ControllerRevision per template, named <ds>-<hash>, whose data is a patch replacing
// spec.template; the current one takes the next revision number (a rollback renumbers the old
// one it returns to); old ones beyond revisionHistoryLimit (10) go once no pod runs them.
// `kubectl rollout history ds` and `rollout undo ds` read them.
import type { KubeObject } from "../../api/types.js";
import { claimObjects, isNotFound, ownerStillValid } from "../controller-ref.js";
import { canonicalJson } from "../hash.js";
import { ownerRefFor, rec, selectorOf } from "../pod-util.js";
import { FIELD_MANAGER, type DaemonSetDeps } from "./deps.js";
import { REVISION_HASH_LABEL } from "./pod.js";

const DEFAULT_HISTORY_LIMIT = 10;
/** k8s ControllerRevisionName keeps the name within 253 characters. */
const MAX_PREFIX = 223;

export interface History {
  current: KubeObject;
  old: KubeObject[];
}

/** The revision data of the DaemonSet's template (k8s getPatch). */
export function revisionData(ds: KubeObject): Record<string, unknown> {
  const template = rec(structuredClone(rec(ds.spec).template));
  return { spec: { template: { ...template, $patch: "replace" } } };
}

export const revisionNumber = (cr: KubeObject): number =>
  Number((cr as { revision?: unknown }).revision) || 0;

export function revisionName(ds: KubeObject, hash: string): string {
  return `${(ds.metadata.name ?? "").slice(0, MAX_PREFIX)}-${hash}`;
}

const sameData = (cr: KubeObject, data: unknown): boolean =>
  canonicalJson((cr as { data?: unknown }).data) === canonicalJson(data);

/** Claims the DaemonSet's revisions and makes sure the current template has the newest one. */
export async function constructHistory(d: DaemonSetDeps, ds: KubeObject, hash: string): Promise<History> {
  const namespace = ds.metadata.namespace;
  const selector = selectorOf(rec(ds.spec).selector);
  const owned = await claimObjects({
    owner: ds,
    candidates: d.revisionInformer.items().filter((r) => r.metadata.namespace === namespace),
    matches: (r) => selector.matches(r.metadata.labels ?? {}),
    api: d.revisions,
    fieldManager: FIELD_MANAGER,
    canAdopt: ownerStillValid(d.daemonSets, ds),
  });
  const data = revisionData(ds);
  const matching = owned
    .filter((r) => sameData(r, data))
    .sort((a, b) => revisionNumber(b) - revisionNumber(a));
  const old = owned.filter((r) => !matching.includes(r));
  const next = Math.max(0, ...old.map(revisionNumber)) + 1;
  let current = matching[0];
  if (current === undefined) {
    current = await createRevision(d, ds, hash, data, next);
  } else if (revisionNumber(current) < next) {
    current = await d.revisions.update({ ...current, revision: next } as KubeObject, {
      fieldManager: FIELD_MANAGER,
    });
  }
  // Duplicates of the current template (left by an interrupted sync) are history too.
  return { current, old: [...old, ...matching.slice(1)] };
}

async function createRevision(
  d: DaemonSetDeps,
  ds: KubeObject,
  hash: string,
  data: Record<string, unknown>,
  revision: number,
): Promise<KubeObject> {
  const template = rec(rec(ds.spec).template);
  const cr = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: revisionName(ds, hash),
      namespace: ds.metadata.namespace,
      labels: { ...(rec(template.metadata).labels as Record<string, string>), [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata.annotations && { annotations: ds.metadata.annotations }),
      ownerReferences: [ownerRefFor(ds)],
    },
    data,
    revision,
  } as KubeObject;
  try {
    return await d.revisions.create(cr, { fieldManager: FIELD_MANAGER });
  } catch (err) {
    if (!(err instanceof Error && "reason" in err && err.reason === "AlreadyExists")) throw err;
    // Written by an earlier sync the cache has not seen yet.
    const existing = await d.revisions.find(ds.metadata.namespace, cr.metadata.name ?? "");
    if (
      existing &&
      sameData(existing, data) &&
      existing.metadata.ownerReferences?.[0]?.uid === ds.metadata.uid
    ) {
      return existing;
    }
    throw err;
  }
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no live pod runs. */
export async function cleanupHistory(
  d: DaemonSetDeps,
  ds: KubeObject,
  old: readonly KubeObject[],
  pods: readonly KubeObject[],
): Promise<void> {
  const limit = rec(ds.spec).revisionHistoryLimit;
  const keep = typeof limit === "number" ? limit : DEFAULT_HISTORY_LIMIT;
  let toKill = old.length - keep;
  if (toKill <= 0) return;
  const live = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]).filter(Boolean));
  for (const cr of [...old].sort((a, b) => revisionNumber(a) - revisionNumber(b))) {
    if (toKill <= 0) break;
    if (live.has(cr.metadata.labels?.[REVISION_HASH_LABEL])) continue;
    await d.revisions
      .delete(cr.metadata.namespace, cr.metadata.name ?? "", {
        fieldManager: FIELD_MANAGER,
        preconditions: { uid: cr.metadata.uid ?? "" },
      })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    toKill--;
  }
}
