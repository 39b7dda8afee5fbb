// Finding (or creating) the Deployment's new ReplicaSet — the one whose template equals the
// Deployment's — and keeping its annotations, minReadySeconds and the revision in sync.
import { ApiError } from "../../api/errors.js";
import type { JsonObject } from "../../api/resources/json.js";
import type { KubeObject } from "../../api/types.js";
import { controllerRef, ownerRefFor } from "../pod-util.js";
import { maxRevision, REVISION, setNewReplicaSetAnnotations } from "./annotations.js";
import { getCondition, newCondition, readStatus, Reasons, setCondition } from "./conditions.js";
import { FIELD_MANAGER, type SyncState } from "./deps.js";
import { recordEvent } from "./events.js";
import { setDeploymentRevision, writeStatus } from "./ops.js";
import { byCreation, deploymentSpec, hasDeadline, rsTemplate, sumReplicas } from "./spec.js";
import { computeHash, POD_TEMPLATE_HASH, templatesEqual } from "./template.js";
import { maxSurge, newReplicaSetSize } from "./util.js";

export interface ReplicaSets {
  /** undefined until the new ReplicaSet exists (Recreate creates it only once old pods are gone). */
  newRS: KubeObject | undefined;
  /** Every other ReplicaSet of the Deployment, oldest first. */
  oldRSs: KubeObject[];
}

/** The oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
  const template = deploymentSpec(d).template;
  return [...rsList].sort(byCreation).find((rs) => templatesEqual(rsTemplate(rs), template));
}

/**
 * The new and old ReplicaSets; brings the new one's annotations and revision up to date (and
 * replaces it in `rsList` when it had to be written).
 */
export async function getAllReplicaSetsAndSyncRevision(
  s: SyncState,
  rsList: KubeObject[],
  create: boolean,
): Promise<ReplicaSets> {
  const existing = findNewReplicaSet(s.d, rsList);
  const oldRSs = [...rsList].filter((rs) => rs !== existing).sort(byCreation);
  const revision = maxRevision(oldRSs) + 1;
  if (existing) {
    const newRS = await syncExisting(s, existing, revision);
    // Later steps of this sync read `rsList` again: they must see what was written.
    rsList[rsList.indexOf(existing)] = newRS;
    return { newRS, oldRSs };
  }
  if (!create) return { newRS: undefined, oldRSs };
  return { newRS: await createNew(s, oldRSs, revision), oldRSs };
}

async function syncExisting(s: SyncState, rs: KubeObject, revision: number): Promise<KubeObject> {
  const spec = deploymentSpec(s.d);
  const next = structuredClone(rs);
  const annotationsChanged = setNewReplicaSetAnnotations(s.d, next, { revision });
  const rsSpec = (next.spec ?? {}) as JsonObject;
  if (annotationsChanged || (rsSpec.minReadySeconds ?? 0) !== spec.minReadySeconds) {
    next.spec = { ...rsSpec, minReadySeconds: spec.minReadySeconds };
    // The Deployment's revision follows once the informer brings the updated ReplicaSet back.
    return s.deps.replicaSets.update(next, { fieldManager: FIELD_MANAGER });
  }
  await setDeploymentRevision(s, next.metadata.annotations?.[REVISION] ?? "");
  const status = readStatus(s.d);
  if (hasDeadline(s.d) && !getCondition(status, "Progressing")) {
    const msg = `Found new replica set "${rs.metadata.name}"`;
    setCondition(status, newCondition("Progressing", "True", Reasons.foundNewRs, msg, s.deps.clock.now()));
    await writeStatus(s, status);
  }
  return next;
}

/** The ReplicaSet for the Deployment's template: `<deploy>-<hash>`, hash in labels and selector. */
export function newReplicaSetObject(d: KubeObject, hash: string, replicas: number): KubeObject {
  const spec = deploymentSpec(d);
  const tmeta = (spec.template.metadata ?? {}) as JsonObject;
  const labels = { ...((tmeta.labels ?? {}) as Record<string, string>), [POD_TEMPLATE_HASH]: hash };
  const matchLabels = {
    ...((spec.selector.matchLabels ?? {}) as Record<string, string>),
    [POD_TEMPLATE_HASH]: hash,
  };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      ownerReferences: [ownerRefFor(d, "Deployment")],
    },
    spec: {
      replicas,
      minReadySeconds: spec.minReadySeconds,
      selector: { ...spec.selector, matchLabels },
      template: { ...structuredClone(spec.template), metadata: { ...structuredClone(tmeta), labels } },
    },
  };
}

function isReason(err: unknown, reason: string): boolean {
  return err instanceof ApiError && err.reason === reason;
}

async function createNew(s: SyncState, oldRSs: KubeObject[], revision: number): Promise<KubeObject> {
  const spec = deploymentSpec(s.d);
  const status = readStatus(s.d);
  const hash = computeHash(spec.template, status.collisionCount);
  const allReplicas = sumReplicas(oldRSs);
  const replicas = newReplicaSetSize(spec, allReplicas, 0);
  const rs = newReplicaSetObject(s.d, hash, replicas);
  setNewReplicaSetAnnotations(s.d, rs, {
    revision,
    replicas: { desired: spec.replicas, max: spec.replicas + maxSurge(spec) },
  });
  let created: KubeObject;
  let alreadyExisted = false;
  try {
    created = await s.deps.replicaSets.create(rs, { fieldManager: FIELD_MANAGER });
  } catch (err) {
    if (!isReason(err, "AlreadyExists")) {
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`;
      if (hasDeadline(s.d)) {
        setCondition(
          status,
          newCondition("Progressing", "False", Reasons.failedRsCreate, msg, s.deps.clock.now()),
        );
        await writeStatus(s, status).catch(() => undefined);
      }
      await recordEvent(s, "Warning", Reasons.failedRsCreate, msg);
      throw err;
    }
    created = await adoptSameNamed(s, rs, status.collisionCount);
    alreadyExisted = true;
  }
  if (!alreadyExisted && replicas > 0)
    await recordEvent(
      s,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
    );
  await setDeploymentRevision(s, String(revision));
  if (!alreadyExisted && hasDeadline(s.d)) {
    const next = readStatus(s.d);
    const msg = `Created new replica set "${created.metadata.name}"`;
    setCondition(next, newCondition("Progressing", "True", Reasons.newRsCreated, msg, s.deps.clock.now()));
    await writeStatus(s, next);
  }
  return created;
}

/**
 * A ReplicaSet of that name exists already: ours (a lagging cache) when this Deployment controls
 * it and its template is the same; otherwise a hash collision — collisionCount goes up so the
 * next sync hashes differently, and this sync fails.
 */
async function adoptSameNamed(
  s: SyncState,
  rs: KubeObject,
  collisionCount: number | undefined,
): Promise<KubeObject> {
  const name = rs.metadata.name ?? "";
  const found =
    s.deps.rsInformer.get(rs.metadata.namespace, name) ??
    (await s.deps.replicaSets.get(rs.metadata.namespace, name));
  const ref = controllerRef(found);
  if (ref?.uid === s.d.metadata.uid && templatesEqual(rsTemplate(found), deploymentSpec(s.d).template))
    return found;
  const status = readStatus(s.d);
  status.collisionCount = (collisionCount ?? 0) + 1;
  await writeStatus(s, status);
  throw new Error(`hash collision on replica set ${name}; collisionCount is now ${status.collisionCount}`);
}
