// The PodStatus the kubelet reports, computed purely from the spec, the runtime's container
// records, the agent's waiting reasons and probe results (kubelet's generateAPIPodStatus and
// getPhase). The stored status supplies what must persist: startTime, transition times.
import { podQosClass } from "../api/resources/core-pod.js";
import { isObject, listAt, objAt, strAt, type JsonObject } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { rfc3339 } from "./clock.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { byContainer, type Attempts } from "./records.js";
import { appContainers, initContainers, restartPolicy, type ContainerSpec } from "./spec.js";

export interface Waiting {
  reason: string;
  message?: string;
}

export interface PodStatusInput {
  pod: KubeObject;
  /** The runtime's records of this pod's containers. */
  records: readonly ContainerRecord[];
  /** Why a container is not running, as the agent knows it (pull errors, back-off …). */
  waiting: ReadonlyMap<string, Waiting>;
  /** Probe results of a running container. */
  probes: (record: ContainerRecord) => { ready: boolean; started: boolean };
  podIP?: string;
  hostIP: string;
  now: Date;
  /** The pod is being deleted and has stopped: its phase becomes Succeeded or Failed. */
  terminal?: boolean;
}

type Phase = "Pending" | "Running" | "Succeeded" | "Failed";
const OWNED = ["Initialized", "Ready", "ContainersReady", "PodScheduled"];

export function podStatus(i: PodStatusInput): JsonObject {
  const stored = objAt(i.pod, "status") ?? {};
  const attempts = byContainer(i.records);
  const inits = initContainers(i.pod);
  // The kubelet's default waiting reason for a container not created yet.
  const pending = inits.length > 0 ? "PodInitializing" : "ContainerCreating";
  const initStatuses = inits.map((c) => containerStatus(i, c, attempts.get(c.name), pending));
  const statuses = appContainers(i.pod).map((c) => containerStatus(i, c, attempts.get(c.name), pending));
  const phase = podPhase(i, stored, initStatuses, statuses);
  const out: JsonObject = { ...stored };
  out.phase = phase;
  out.conditions = conditions(i, stored, phase, initStatuses, statuses);
  out.hostIP = i.hostIP;
  out.hostIPs = [{ ip: i.hostIP }];
  if (i.podIP) {
    out.podIP = i.podIP;
    out.podIPs = [{ ip: i.podIP }];
  }
  out.startTime = strAt(stored, "startTime") ?? rfc3339(i.now);
  out.qosClass = podQosClass(i.pod.spec);
  if (inits.length > 0) out.initContainerStatuses = initStatuses;
  else delete out.initContainerStatuses;
  out.containerStatuses = statuses;
  return out;
}

function containerStatus(
  i: PodStatusInput,
  spec: ContainerSpec,
  a: Attempts | undefined,
  defaultReason: string,
): JsonObject {
  const waiting = i.waiting.get(spec.name);
  const base = { name: spec.name, image: spec.image, imageID: "" };
  if (!a) {
    const w = waiting ?? { reason: defaultReason };
    return { ...base, state: { waiting: w }, lastState: {}, ready: false, restartCount: 0, started: false };
  }
  const { current, previous } = a;
  const ids = {
    image: current.image || spec.image,
    imageID: current.imageID,
    containerID: `skiff://${current.id}`,
  };
  let state: JsonObject;
  let last: ContainerRecord | undefined = previous;
  let ready = false;
  let started = false;
  if (current.state === "running") {
    state = { running: { startedAt: rfc3339(current.startedAt ?? current.createdAt) } };
    ({ ready, started } = i.probes(current));
  } else if (current.state === "exited" && !waiting) {
    state = { terminated: terminated(current) };
  } else {
    state = { waiting: waiting ?? { reason: "ContainerCreating" } };
    if (current.state === "exited") last = current;
  }
  const lastState = last?.state === "exited" ? { terminated: terminated(last) } : {};
  return { name: spec.name, state, lastState, ready, restartCount: current.attempt, ...ids, started };
}

function terminated(r: ContainerRecord): JsonObject {
  return {
    exitCode: r.exitCode ?? 0,
    reason: r.reason ?? (r.exitCode === 0 ? "Completed" : "Error"),
    ...(r.startedAt && { startedAt: rfc3339(r.startedAt) }),
    ...(r.finishedAt && { finishedAt: rfc3339(r.finishedAt) }),
    containerID: `skiff://${r.id}`,
  };
}

function stateOf(s: JsonObject): { waiting?: JsonObject; running?: JsonObject; terminated?: JsonObject } {
  return objAt(s, "state") ?? {};
}

function exitCodeOf(t: JsonObject | undefined): number | undefined {
  return t && typeof t.exitCode === "number" ? t.exitCode : undefined;
}

function succeeded(s: JsonObject): boolean {
  return exitCodeOf(stateOf(s).terminated) === 0;
}

/** kubelet getPhase. */
function podPhase(i: PodStatusInput, stored: JsonObject, inits: JsonObject[], apps: JsonObject[]): Phase {
  const was = strAt(stored, "phase");
  if (was === "Succeeded" || was === "Failed") return was;
  const policy = restartPolicy(i.pod);
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of inits) {
    const st = stateOf(s);
    const lastTerm = objAt(objAt(s, "lastState"), "terminated");
    if (st.terminated) failedInit += exitCodeOf(st.terminated) !== 0 ? 1 : 0;
    else if (st.waiting && lastTerm) failedInit += exitCodeOf(lastTerm) !== 0 ? 1 : 0;
    else pendingInit++;
  }
  if (failedInit > 0 && (policy === "Never" || i.terminal)) return "Failed";
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let ok = 0;
  for (const s of apps) {
    const st = stateOf(s);
    if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (exitCodeOf(st.terminated) === 0) ok++;
    } else if (objAt(objAt(s, "lastState"), "terminated")) stopped++;
    else waiting++;
  }
  if (pendingInit > 0 && !i.terminal) return "Pending";
  if (waiting > 0) return i.terminal ? "Failed" : "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always" && !i.terminal) return "Running";
    if (stopped === ok) return "Succeeded";
    if (policy === "Never" || i.terminal) return "Failed";
    return "Running";
  }
  return "Pending";
}

function conditions(
  i: PodStatusInput,
  stored: JsonObject,
  phase: Phase,
  inits: JsonObject[],
  apps: JsonObject[],
): JsonObject[] {
  const old = listAt(stored, "conditions").filter(isObject);
  const cond = (type: string, ok: boolean, reason?: string, message?: string): JsonObject => {
    const status = ok ? "True" : "False";
    const prev = old.find((c) => c.type === type);
    const lastTransitionTime =
      prev?.status === status && typeof prev.lastTransitionTime === "string"
        ? prev.lastTransitionTime
        : rfc3339(i.now);
    return { type, status, lastTransitionTime, ...(reason && { reason }), ...(message && { message }) };
  };
  const names = (l: JsonObject[], pick: (s: JsonObject) => boolean) =>
    `[${l
      .filter(pick)
      .map((s) => String(s.name))
      .join(" ")}]`;
  const completed = phase === "Succeeded";
  const notInit = inits.filter((s) => !succeeded(s));
  const initialized =
    notInit.length === 0
      ? cond("Initialized", true, completed && inits.length > 0 ? "PodCompleted" : undefined)
      : cond(
          "Initialized",
          false,
          "ContainersNotInitialized",
          `containers with incomplete status: ${names(notInit, () => true)}`,
        );
  const unready = apps.filter((s) => s.ready !== true);
  const containersReady = completed
    ? cond("ContainersReady", false, "PodCompleted")
    : unready.length === 0
      ? cond("ContainersReady", true)
      : cond(
          "ContainersReady",
          false,
          "ContainersNotReady",
          `containers with unready status: ${names(unready, () => true)}`,
        );
  const gate = readinessGateProblem(i.pod, old);
  const ready =
    containersReady.status !== "True"
      ? {
          ...cond("Ready", false, String(containersReady.reason)),
          ...(containersReady.message !== undefined && { message: containersReady.message }),
        }
      : gate
        ? cond("Ready", false, "ReadinessGatesNotReady", gate)
        : cond("Ready", true);
  const scheduled = old.find((c) => c.type === "PodScheduled") ?? cond("PodScheduled", true);
  const others = old.filter((c) => !OWNED.includes(String(c.type)));
  return [initialized, ready, containersReady, scheduled, ...others];
}

/** The message of the first readiness gate whose condition is missing or not True. */
function readinessGateProblem(pod: KubeObject, old: JsonObject[]): string | undefined {
  for (const g of listAt(pod.spec, "readinessGates").filter(isObject)) {
    const type = strAt(g, "conditionType") ?? "";
    const c = old.find((x) => x.type === type);
    if (!c) return `corresponding condition of pod readiness gate "${type}" does not exist.`;
    if (c.status !== "True")
      return `the status of pod readiness gate "${type}" is not "True", but ${String(c.status)}`;
  }
  return undefined;
}

/** JSON with sorted keys: two statuses are the same when their canonical forms are. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
