// What a pod worker does next (kubelet's computePodActions), purely from the spec and the
// runtime's records: init containers one at a time in order, each to success; then the app
// containers; exited containers restarted as restartPolicy says, after their back-off.
import type { KubeObject } from "../api/types.js";
import type { Backoff } from "./backoff.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { byContainer } from "./records.js";
import { appContainers, initContainers, restartPolicy, type ContainerSpec } from "./spec.js";

export interface StartAction {
  container: ContainerSpec;
  attempt: number;
}

export interface BackoffWait {
  container: ContainerSpec;
  /** ms until it may restart, and the back-off that applies. */
  remainingMs: number;
  backoffMs: number;
}

export interface PodPlan {
  start: StartAction[];
  /** Running containers whose liveness or startup probe failed. */
  kill: { record: ContainerRecord; probe: "liveness" | "startup" }[];
  waits: BackoffWait[];
  /** Exited attempts older than the previous one. */
  remove: ContainerRecord[];
  /** An init container failed and restartPolicy is Never: the pod has failed. */
  initFailed: boolean;
}

export interface PlanInput {
  pod: KubeObject;
  records: readonly ContainerRecord[];
  backoff: Backoff;
  now: Date;
  /** Names of containers being started or stopped right now (left alone). */
  busy: ReadonlySet<string>;
  /** The probe that failed, for a running container that must be killed. */
  unhealthy: (record: ContainerRecord) => "liveness" | "startup" | undefined;
}

export function backoffKey(pod: KubeObject, name: string): string {
  return `${pod.metadata.uid ?? ""}/${name}`;
}

export function planPod(i: PlanInput): PodPlan {
  const plan: PodPlan = { start: [], kill: [], waits: [], remove: [], initFailed: false };
  const attempts = byContainer(i.records);
  for (const a of attempts.values()) plan.remove.push(...a.older.filter((r) => r.state === "exited"));
  const policy = restartPolicy(i.pod);
  for (const c of initContainers(i.pod)) {
    const rec = attempts.get(c.name)?.current;
    if (rec?.state === "exited" && rec.exitCode === 0) continue;
    if (i.busy.has(c.name)) return plan;
    if (!rec) plan.start.push({ container: c, attempt: 0 });
    else if (rec.state === "exited") {
      if (policy === "Never") plan.initFailed = true;
      else restart(i, plan, c, rec);
    }
    return plan;
  }
  for (const c of appContainers(i.pod)) {
    if (i.busy.has(c.name)) continue;
    const rec = attempts.get(c.name)?.current;
    if (!rec) {
      plan.start.push({ container: c, attempt: 0 });
      continue;
    }
    if (rec.state === "running") {
      const probe = i.unhealthy(rec);
      if (probe) plan.kill.push({ record: rec, probe });
      continue;
    }
    if (rec.state !== "exited") continue;
    if (policy === "Always" || (policy === "OnFailure" && rec.exitCode !== 0)) restart(i, plan, c, rec);
  }
  return plan;
}

function restart(i: PlanInput, plan: PodPlan, c: ContainerSpec, rec: ContainerRecord): void {
  const key = backoffKey(i.pod, c.name);
  const since = rec.finishedAt ?? rec.createdAt;
  const remainingMs = i.backoff.remaining(key, since, i.now);
  if (remainingMs > 0) plan.waits.push({ container: c, remainingMs, backoffMs: i.backoff.current(key) });
  else plan.start.push({ container: c, attempt: rec.attempt + 1 });
}
