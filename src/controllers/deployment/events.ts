// Events the Deployment controller records on its Deployments (`kubectl describe` shows them):
// ScalingReplicaSet, ReplicaSetCreateError, SelectingAll. A failure to record is only logged.
import { randomBytes } from "node:crypto";
import type { KubeObject } from "../../api/types.js";
import { timeString } from "./conditions.js";
import { FIELD_MANAGER, type SyncState } from "./deps.js";

export async function recordEvent(
  s: SyncState,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
): Promise<void> {
  const d = s.d;
  const now = timeString(s.deps.clock.now());
  const event: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${d.metadata.name}.${randomBytes(8).toString("hex")}`,
      namespace: d.metadata.namespace,
    },
    involvedObject: {
      apiVersion: d.apiVersion,
      kind: "Deployment",
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion,
    },
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: FIELD_MANAGER },
    reportingComponent: FIELD_MANAGER,
  };
  try {
    await s.deps.events.create(event, { fieldManager: FIELD_MANAGER });
  } catch (err) {
    s.deps.logger.debug({ err, reason }, "could not record event");
  }
}
