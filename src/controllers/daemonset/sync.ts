// One level-triggered pass over a DaemonSet (k8s syncDaemonSet): claim its pods, record the
// template's revision, map the pods to nodes, create the missing ones and delete misplaced,
// extra and finished ones — or, when there is nothing else to do, replace old-template pods
// within maxUnavailable — prune old revisions, then write status.
import type { KubeObject } from "../../api/types.js";
import { claimObjects, isNotFound, ownerStillValid } from "../controller-ref.js";
import { templateHash } from "../hash.js";
import {
  isPodActive,
  isPodAvailable,
  isPodTerminated,
  msUntilAvailable,
  objectKey,
  rec,
  selectorOf,
  splitKey,
} from "../pod-util.js";
import { slowStartBatches } from "../replicaset/util.js";
import { FIELD_MANAGER, type DaemonSetDeps } from "./deps.js";
import { cleanupHistory, constructHistory } from "./history.js";
import { daemonPodNode, placement } from "./placement.js";
import { newDaemonPod } from "./pod.js";
import { rollingSurge } from "./surge.js";
import {
  calculateStatus,
  isRollingUpdate,
  manage,
  maxSurge,
  maxUnavailable,
  rollingDeletes,
  statusEqual,
  type NodeState,
} from "./util.js";

const created = (p: KubeObject): number => Date.parse(p.metadata.creationTimestamp ?? "") || 0;
const isFinished = (p: KubeObject): boolean =>
  p.metadata.deletionTimestamp === undefined && isPodTerminated(p);
const isTerminating = (p: KubeObject): boolean => p.metadata.deletionTimestamp !== undefined;

export function nodeStates(
  ds: KubeObject,
  nodes: readonly KubeObject[],
  pods: readonly KubeObject[],
): NodeState[] {
  const byNode = new Map<string, KubeObject[]>();
  for (const p of pods) {
    // A finished pod being deleted is nothing more to the controller (k8s getNodesToDaemonPods).
    if (p.metadata.deletionTimestamp !== undefined && isPodTerminated(p)) continue;
    const n = daemonPodNode(p) ?? "";
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const states: NodeState[] = nodes.map((node) => {
    const name = node.metadata.name ?? "";
    const on = (byNode.get(name) ?? []).sort((a, b) => created(a) - created(b));
    byNode.delete(name);
    return {
      name,
      placement: placement(ds, node),
      pods: on.filter(isPodActive),
      finished: on.filter(isFinished),
      terminating: on.filter(isTerminating),
    };
  });
  // Pods of nodes that are gone: nowhere to run.
  for (const [name, on] of byNode) {
    const none = { shouldRun: false, shouldContinueRunning: false };
    states.push({
      name,
      placement: none,
      pods: on.filter(isPodActive),
      finished: on.filter(isFinished),
      terminating: on.filter(isTerminating),
    });
  }
  return states;
}

export async function syncDaemonSet(d: DaemonSetDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const ds = d.dsInformer.get(namespace, name);
  if (!ds) {
    d.expectations.delete(key);
    return;
  }
  const selector = selectorOf(rec(ds.spec).selector);
  const pods = await claimObjects({
    owner: ds,
    candidates: d.podInformer.items().filter((p) => p.metadata.namespace === namespace),
    matches: (p) => selector.matches(p.metadata.labels ?? {}),
    api: d.pods,
    fieldManager: FIELD_MANAGER,
    canAdopt: ownerStillValid(d.daemonSets, ds),
  });
  const hash = templateHash(rec(ds.spec).template);
  const deleting = ds.metadata.deletionTimestamp !== undefined;
  const history = deleting ? undefined : await constructHistory(d, ds, hash);
  const states = nodeStates(ds, d.nodeInformer.items(), pods);
  const now = d.clock.now();
  const minReady = Number(rec(ds.spec).minReadySeconds) || 0;
  let error: unknown;
  if (d.expectations.satisfied(key) && history !== undefined) {
    const desired = states.filter((s) => s.placement.shouldRun).length;
    const surge = isRollingUpdate(ds) ? maxSurge(ds, desired) : 0;
    const surging = surge > 0 ? { hash, minReadySeconds: minReady, now } : undefined;
    let plan = manage(states, surging);
    if (plan.create.length === 0 && plan.delete.length === 0 && isRollingUpdate(ds)) {
      plan = surging
        ? rollingSurge(states, surge, surging)
        : { create: [], delete: rollingDeletes(states, hash, maxUnavailable(ds, desired), minReady, now) };
    }
    error = await apply(d, ds, plan.create, plan.delete, hash);
    await cleanupHistory(d, ds, history.old, pods);
  }
  await writeStatus(d, ds, calculateStatus(ds, states, hash, now));
  if (minReady > 0) {
    const waits = states
      .flatMap((s) => s.pods)
      .filter((p) => !isPodAvailable(p, minReady, now))
      .map((p) => msUntilAvailable(p, minReady, now))
      .filter((ms): ms is number => ms !== undefined);
    if (waits.length) d.queue.addAfter(key, Math.min(...waits) + 1);
  }
  if (error !== undefined) throw error;
}

async function apply(
  d: DaemonSetDeps,
  ds: KubeObject,
  create: readonly string[],
  remove: readonly KubeObject[],
  hash: string,
): Promise<unknown> {
  const key = objectKey(ds);
  d.expectations.expect(key, create.length, remove.map(objectKey));
  const errors: unknown[] = [];
  const failed = (err: unknown) => (err instanceof Error ? err.message : String(err));
  await Promise.all(
    remove.map((p) =>
      d.pods
        .delete(p.metadata.namespace, p.metadata.name ?? "", {
          fieldManager: FIELD_MANAGER,
          preconditions: { uid: p.metadata.uid ?? "" },
        })
        .then(() =>
          d.events.record(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name ?? ""}`),
        )
        .catch((err: unknown) => {
          d.expectations.deletionSkipped(key, objectKey(p));
          if (isNotFound(err)) return;
          d.events.record(ds, "Warning", "FailedDelete", `Error deleting: ${failed(err)}`);
          errors.push(err);
        }),
    ),
  );
  let next = 0;
  for (const size of slowStartBatches(create.length)) {
    const batch = create.slice(next, next + size);
    next += size;
    await Promise.all(
      batch.map((node) =>
        d.pods
          .create(newDaemonPod(ds, node, hash), { fieldManager: FIELD_MANAGER })
          .then((pod) =>
            d.events.record(ds, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name ?? ""}`),
          )
          .catch((err: unknown) => {
            d.expectations.creationSkipped(key);
            d.events.record(ds, "Warning", "FailedCreate", `Error creating: ${failed(err)}`);
            errors.push(err);
          }),
      ),
    );
    if (errors.length) {
      d.expectations.creationSkipped(key, create.length - next);
      break;
    }
  }
  return errors[0];
}

async function writeStatus(d: DaemonSetDeps, ds: KubeObject, status: ReturnType<typeof calculateStatus>) {
  if (statusEqual(ds.status, status)) return;
  try {
    await d.daemonSets.updateStatus(
      { ...ds, status: { ...rec(ds.status), ...status } },
      { fieldManager: FIELD_MANAGER },
    );
  } catch (err) {
    if (isNotFound(err)) return;
    if (!(err instanceof Error && "reason" in err && err.reason === "Conflict")) throw err;
    const fresh = await d.daemonSets.find(ds.metadata.namespace, ds.metadata.name ?? "");
    if (!fresh || fresh.metadata.uid !== ds.metadata.uid) return;
    await d.daemonSets.updateStatus(
      { ...fresh, status: { ...rec(fresh.status), ...status } },
      { fieldManager: FIELD_MANAGER },
    );
  }
}
