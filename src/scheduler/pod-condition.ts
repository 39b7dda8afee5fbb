// The PodScheduled=False condition of a pod that could not be scheduled, as a strategic-merge
// patch of its status — or nothing when the pod already says exactly that.
import { isObject, listAt, strAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { rfc3339 } from "./events.js";

export type FailureReason = "Unschedulable" | "SchedulerError";

export function podScheduledFalsePatch(
  pod: KubeObject,
  reason: FailureReason,
  message: string,
  now: Date,
): Record<string, unknown> | undefined {
  const status = isObject(pod["status"]) ? pod["status"] : {};
  const old = listAt(status, "conditions").find((c) => isObject(c) && c["type"] === "PodScheduled");
  const oldStatus = strAt(old, "status");
  if (oldStatus === "False" && strAt(old, "reason") === reason && strAt(old, "message") === message) {
    return undefined;
  }
  const lastTransitionTime =
    oldStatus === "False" ? (strAt(old, "lastTransitionTime") ?? rfc3339(now)) : rfc3339(now);
  return {
    status: {
      conditions: [
        { type: "PodScheduled", status: "False", reason, message, lastProbeTime: null, lastTransitionTime },
      ],
    },
  };
}
