// Stopping containers the kubelet's way: a Killing event, the preStop hook within the grace
// period, then SIGTERM and SIGKILL after what is left of it (at least 2 s after a hook). Also
// the reaping of containers whose pod no longer exists.
import type { Logger } from "pino";
import type { KubeObject } from "../api/types.js";
import type { EventRecorder } from "./events.js";
import { runHandler } from "./probes/handler.js";
import type { ContainerRecord, PodRuntime } from "./pod-runtime.js";
import type { ContainerSpec } from "./spec.js";

const MIN_GRACE_AFTER_HOOK_SECONDS = 2;

export interface StopOptions {
  runtime: PodRuntime;
  events: EventRecorder;
  logger: Logger;
  pod: KubeObject;
  container: ContainerSpec | undefined;
  record: ContainerRecord;
  podIP: string;
  graceSeconds: number;
  /** The Killing event's message, e.g. "Stopping container web". */
  message: string;
}

export function fieldPath(c: { name: string; init: boolean }): string {
  return `spec.${c.init ? "initContainers" : "containers"}{${c.name}}`;
}

export async function stopGracefully(o: StopOptions): Promise<void> {
  const path = fieldPath(o.record);
  o.events.record(o.pod, { type: "Normal", reason: "Killing", message: o.message, fieldPath: path });
  let grace = Math.max(0, o.graceSeconds);
  const hook = o.container?.preStop;
  if (hook && o.record.state === "running" && grace > 0) {
    const started = Date.now();
    const target = { runtime: o.runtime, containerId: o.record.id, container: o.container!, podIP: o.podIP };
    const r = await runHandler(hook, target, grace * 1000);
    if (!r.ok) {
      const message = `PreStopHook failed: ${r.output}`;
      o.events.record(o.pod, { type: "Warning", reason: "FailedPreStopHook", message, fieldPath: path });
    }
    grace = Math.max(MIN_GRACE_AFTER_HOOK_SECONDS, grace - Math.floor((Date.now() - started) / 1000));
  }
  await o.runtime.stopContainer(o.record.id, grace);
}

/** Stops and removes every container of a pod that is gone from the API, then its sandbox. */
export async function reapPod(o: {
  runtime: PodRuntime;
  logger: Logger;
  podUid: string;
  graceSeconds: number;
}): Promise<void> {
  const records = o.runtime.listContainers(o.podUid);
  await Promise.all(
    records.filter((r) => r.state !== "exited").map((r) => o.runtime.stopContainer(r.id, o.graceSeconds)),
  );
  for (const r of records) {
    try {
      await o.runtime.removeContainer(r.id);
    } catch (err) {
      o.logger.warn({ err, container: r.id }, "could not remove a container of a deleted pod");
    }
  }
  await o.runtime.removeSandbox(o.podUid);
  await o.runtime.cleanupPod(o.podUid);
}
