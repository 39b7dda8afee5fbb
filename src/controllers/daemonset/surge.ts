// A DaemonSet rolling update with maxSurge (k8s rollingUpdate's surge branch): the new pod starts
// beside the old one on a node, at most maxSurge nodes at a time, and the old pod goes once the
// new one is available — so no node is ever left without a Ready daemon.
import type { KubeObject } from "../../api/types.js";
import { isPodAvailable, isPodReady } from "../pod-util.js";
import { isPodUpdated } from "./pod.js";
import type { NodeState, Plan } from "./util.js";

export interface SurgeContext {
  hash: string;
  minReadySeconds: number;
  now: Date;
}

/**
 * The pods to delete on a node while surging (k8s podsShouldBeOnNode with surge): the oldest new
 * and the oldest old pod stay; the old one goes once it is not Ready or the new one is available.
 */
export function surgeExtras(pods: readonly KubeObject[], c: SurgeContext): KubeObject[] {
  if (pods.length <= 1) return [];
  let oldestNew: KubeObject | undefined;
  let oldestOld: KubeObject | undefined;
  const extras: KubeObject[] = [];
  for (const p of pods) {
    if (isPodUpdated(p, c.hash)) {
      if (oldestNew === undefined) oldestNew = p;
      else extras.push(p);
    } else if (oldestOld === undefined) oldestOld = p;
    else extras.push(p);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, c.minReadySeconds, c.now)) extras.push(oldestOld);
  }
  return extras;
}

/**
 * Where to start new pods and which old pods to delete (k8s rollingUpdate, surge enabled): nodes
 * whose old pod is unavailable get a new pod at once; nodes with an available old pod get one
 * while fewer than maxSurge new pods are not yet available; an old pod whose new neighbour is
 * available goes.
 */
export function rollingSurge(states: readonly NodeState[], maxSurge: number, c: SurgeContext): Plan {
  let surging = 0;
  const allowed: string[] = [];
  const candidates: string[] = [];
  const remove: KubeObject[] = [];
  for (const s of states) {
    if (s.pods.length === 0) continue;
    const fresh = s.pods.filter((p) => isPodUpdated(p, c.hash));
    const stale = s.pods.filter((p) => !isPodUpdated(p, c.hash));
    if (fresh.length > 1 || stale.length > 1) {
      surging++; // manage prunes the extra pods first
      continue;
    }
    const [newPod] = fresh;
    const [oldPod] = stale;
    if (oldPod === undefined) continue;
    if (newPod === undefined) {
      if (!s.placement.shouldRun) continue;
      if (!isPodAvailable(oldPod, c.minReadySeconds, c.now)) allowed.push(s.name);
      else candidates.push(s.name);
    } else if (!isPodAvailable(newPod, c.minReadySeconds, c.now)) surging++;
    else remove.push(oldPod);
  }
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  return { create: [...allowed, ...candidates.slice(0, room)], delete: remove };
}
