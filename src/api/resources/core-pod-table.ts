// The Pod row of `kubectl get pods`: the real printer's READY and STATUS logic (printPod).

import type { KubeObject } from "../types.js";
import { ageSince } from "./duration.js";
import { isObject, listAt, numAt, objAt, strAt } from "./json.js";
import { col } from "./table.js";

export const podColumns = [
  col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
  col("Status", "string", "The aggregate status of the containers in this pod."),
  col(
    "Restarts",
    "string",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  col("IP", "string", "IP address allocated to the pod.", { wide: true }),
  col("Node", "string", "Name of the node this pod is assigned to.", { wide: true }),
  col("Nominated Node", "string", "Name of the node this pod is nominated to run on.", { wide: true }),
  col("Readiness Gates", "string", "Pod readiness gates and how many are satisfied.", { wide: true }),
];

function conditionTrue(status: unknown, type: string): boolean {
  return listAt(status, "conditions").some((c) => strAt(c, "type") === type && strAt(c, "status") === "True");
}

/** NAME is added by the table; these are READY STATUS RESTARTS | IP NODE NOMINATED READINESS. */
export function podCells(pod: KubeObject, now: Date): unknown[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const initSpecs = listAt(spec, "initContainers");
  const sidecars = new Set(
    initSpecs.filter((c) => strAt(c, "restartPolicy") === "Always").map((c) => strAt(c, "name")),
  );
  let total = listAt(spec, "containers").length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  const noteRestart = (cs: unknown): void => {
    restarts += numAt(cs, "restartCount") ?? 0;
    const finished = strAt(objAt(objAt(cs, "lastState"), "terminated"), "finishedAt");
    const t = finished ? Date.parse(finished) : NaN;
    if (!Number.isNaN(t) && (lastRestart === undefined || t > lastRestart)) lastRestart = t;
  };

  let reason = strAt(status, "reason") ?? strAt(status, "phase") ?? "";
  if (
    listAt(status, "conditions").some(
      (c) => strAt(c, "type") === "PodScheduled" && strAt(c, "reason") === "SchedulingGated",
    )
  )
    reason = "SchedulingGated";

  let initializing = false;
  const initStatuses = listAt(status, "initContainerStatuses");
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    noteRestart(cs);
    const terminated = objAt(objAt(cs, "state"), "terminated");
    const waiting = objAt(objAt(cs, "state"), "waiting");
    const isSidecar = sidecars.has(strAt(cs, "name"));
    if (terminated && numAt(terminated, "exitCode") === 0) continue;
    if (isSidecar && isObject(cs) && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      const r = strAt(terminated, "reason");
      const signal = numAt(terminated, "signal") ?? 0;
      reason = r
        ? `Init:${r}`
        : signal !== 0
          ? `Init:Signal:${signal}`
          : `Init:ExitCode:${numAt(terminated, "exitCode") ?? 0}`;
    } else if (waiting && strAt(waiting, "reason") && strAt(waiting, "reason") !== "PodInitializing") {
      reason = `Init:${strAt(waiting, "reason")}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, "Initialized")) {
    restarts = 0;
    lastRestart = undefined;
    for (const cs of initStatuses) if (sidecars.has(strAt(cs, "name"))) noteRestart(cs);
    let hasRunning = false;
    const statuses = listAt(status, "containerStatuses");
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      noteRestart(cs);
      const state = objAt(cs, "state");
      const waiting = objAt(state, "waiting");
      const terminated = objAt(state, "terminated");
      if (waiting && strAt(waiting, "reason")) reason = strAt(waiting, "reason") ?? reason;
      else if (terminated && strAt(terminated, "reason")) reason = strAt(terminated, "reason") ?? reason;
      else if (terminated) {
        const signal = numAt(terminated, "signal") ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${numAt(terminated, "exitCode") ?? 0}`;
      } else if (isObject(cs) && cs.ready === true && objAt(state, "running")) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning)
      reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
  }

  const phase = strAt(status, "phase");
  if (pod.metadata.deletionTimestamp && strAt(status, "reason") === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed")
    reason = "Terminating";

  total = Math.max(total, 0);
  const restartsCell =
    restarts !== 0 && lastRestart !== undefined
      ? `${restarts} (${ageSince(new Date(lastRestart).toISOString(), now)} ago)`
      : String(restarts);

  const gates = listAt(spec, "readinessGates");
  let gatesCell = "<none>";
  if (gates.length > 0) {
    const satisfied = gates.filter((g) => conditionTrue(status, strAt(g, "conditionType") ?? "")).length;
    gatesCell = `${satisfied}/${gates.length}`;
  }
  return [
    `${ready}/${total}`,
    reason,
    restartsCell,
    strAt(status, "podIP") || "<none>",
    strAt(spec, "nodeName") || "<none>",
    strAt(status, "nominatedNodeName") || "<none>",
    gatesCell,
  ];
}
