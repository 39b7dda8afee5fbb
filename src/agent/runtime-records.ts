// The agent's view of pod containers from the engine's: every engine container with the pod
// labels becomes a ContainerRecord (docker inspect's state mapped to the kubelet's words:
// exited with "Completed", "Error" or "OOMKilled"; a start that failed is "StartError").
import type { ContainerJSON, ContainerSummary } from "../runtime/docker-api-types.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { LABELS } from "./runtime-container.js";

export interface ContainerLister {
  list(o: { all: boolean; filters: Record<string, string[]> }): ContainerSummary[];
  inspect(ref: string): ContainerJSON;
}

const ZERO = "0001-01-01T00:00:00Z";

function time(s: string | undefined): Date | undefined {
  return s === undefined || s === "" || s === ZERO ? undefined : new Date(s);
}

/** The record of one engine container, or undefined when it is not a pod container. */
export function recordOf(j: ContainerJSON): ContainerRecord | undefined {
  const labels = j.Config.Labels ?? {};
  const podUid = labels[LABELS.podUid];
  const name = labels[LABELS.containerName];
  if (podUid === undefined || name === undefined) return undefined;
  const s = j.State;
  const base = {
    id: j.Id,
    podUid,
    name,
    attempt: Number(labels[LABELS.attempt] ?? "0") || 0,
    init: labels[LABELS.init] === "true",
    image: j.Config.Image ?? "",
    imageID: j.Image,
    createdAt: new Date(j.Created),
  };
  const startedAt = time(s.StartedAt);
  const finishedAt = time(s.FinishedAt);
  if (s.Running || s.Status === "running" || s.Status === "paused" || s.Status === "restarting") {
    return { ...base, state: "running", ...(startedAt ? { startedAt } : {}) };
  }
  if (s.Status === "created" && s.Error === "") return { ...base, state: "created" };
  const failedStart = s.Status === "created";
  const reason = failedStart
    ? "StartError"
    : s.OOMKilled
      ? "OOMKilled"
      : s.ExitCode === 0
        ? "Completed"
        : "Error";
  return {
    ...base,
    state: "exited",
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : failedStart ? { finishedAt: base.createdAt } : {}),
    exitCode: s.ExitCode,
    reason,
  };
}

/** Every pod container the engine has, in every state; only the pod `podUid`'s when given. */
export function listRecords(containers: ContainerLister, podUid?: string): ContainerRecord[] {
  const out: ContainerRecord[] = [];
  const label = podUid === undefined ? LABELS.podUid : `${LABELS.podUid}=${podUid}`;
  for (const summary of containers.list({ all: true, filters: { label: [label] } })) {
    try {
      const r = recordOf(containers.inspect(summary.Id));
      if (r !== undefined) out.push(r);
    } catch {
      // removed between list and inspect
    }
  }
  return out;
}
