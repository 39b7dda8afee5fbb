// Starting one container of a pod with the kubelet's events: the image (Pulling/Pulled, or
// "already present"; ErrImagePull then ImagePullBackOff with back-off), then Created and
// Started, or the reason it could not be created (CreateContainerConfigError …).
import type { KubeObject } from "../api/types.js";
import { Backoff } from "./backoff.js";
import type { Clock } from "./clock.js";
import type { EventRecorder } from "./events.js";
import {
  ContainerStartFailure,
  ImagePullError,
  type ContainerRecord,
  type PodRuntime,
} from "./pod-runtime.js";
import type { Waiting } from "./pod-status.js";
import type { ContainerSpec } from "./spec.js";
import { fieldPath } from "./termination.js";

export type StartOutcome =
  { ok: true; record: ContainerRecord } | { ok: false; waiting: Waiting; retryMs: number };

interface Failure {
  at: Date;
  /** The back-off wait was already reported (BackOff event) for this failure. */
  reported: boolean;
}

export class ContainerStarter {
  readonly #runtime: PodRuntime;
  readonly #events: EventRecorder;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  /** Images this node has pulled or found (for "already present on machine"). */
  readonly #present = new Set<string>();
  readonly #failures = new Map<string, Failure>();

  constructor(o: { runtime: PodRuntime; events: EventRecorder; clock: Clock; backoff?: Backoff }) {
    this.#runtime = o.runtime;
    this.#events = o.events;
    this.#clock = o.clock;
    this.#backoff = o.backoff ?? new Backoff();
    for (const r of o.runtime.listContainers()) this.#present.add(r.image);
  }

  /**
   * Whether `c` must wait before pulling its image again (after a failed pull): the waiting
   * state and how long, reported once per failure with a BackOff event.
   */
  gate(pod: KubeObject, c: ContainerSpec): { waiting: Waiting; retryMs: number } | undefined {
    const key = this.#key(pod, c);
    const f = this.#failures.get(key);
    if (!f) return undefined;
    const retryMs = this.#backoff.remaining(key, f.at, this.#clock.now());
    if (retryMs <= 0) return undefined;
    const message = `Back-off pulling image "${c.image}"`;
    if (!f.reported) {
      f.reported = true;
      this.#events.record(pod, { type: "Normal", reason: "BackOff", message, fieldPath: fieldPath(c) });
    }
    return { waiting: { reason: "ImagePullBackOff", message }, retryMs };
  }

  async start(pod: KubeObject, c: ContainerSpec, attempt: number): Promise<StartOutcome> {
    const path = fieldPath(c);
    const imageKey = this.#key(pod, c);
    try {
      await this.#ensureImage(pod, c, path);
      this.#failures.delete(imageKey);
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      const now = this.#clock.now();
      this.#backoff.next(imageKey, now);
      this.#failures.set(imageKey, { at: now, reported: false });
      const failed = `Failed to pull image "${c.image}": ${err.message}`;
      this.#events.record(pod, { type: "Warning", reason: "Failed", message: failed, fieldPath: path });
      this.#events.record(pod, {
        type: "Warning",
        reason: "Failed",
        message: `Error: ${err.reason}`,
        fieldPath: path,
      });
      return { ok: false, waiting: { reason: err.reason, message: err.message }, retryMs: 1000 };
    }
    try {
      const record = await this.#runtime.startContainer(pod, c.name, { attempt, init: c.init });
      this.#events.record(pod, {
        type: "Normal",
        reason: "Created",
        message: `Created container ${c.name}`,
        fieldPath: path,
      });
      this.#events.record(pod, {
        type: "Normal",
        reason: "Started",
        message: `Started container ${c.name}`,
        fieldPath: path,
      });
      return { ok: true, record };
    } catch (err) {
      if (!(err instanceof ContainerStartFailure)) throw err;
      this.#events.record(pod, {
        type: "Warning",
        reason: "Failed",
        message: `Error: ${err.message}`,
        fieldPath: path,
      });
      const key = `${pod.metadata.uid ?? ""}/${c.name}/create`;
      const now = this.#clock.now();
      this.#backoff.next(key, now);
      return {
        ok: false,
        waiting: { reason: err.reason, message: err.message },
        retryMs: this.#backoff.current(key),
      };
    }
  }

  /** Drops the state kept for a pod once it is gone. */
  forget(podUid: string): void {
    this.#backoff.forgetPrefix(`${podUid}/`);
    for (const k of [...this.#failures.keys()]) if (k.startsWith(`${podUid}/`)) this.#failures.delete(k);
  }

  async #ensureImage(pod: KubeObject, c: ContainerSpec, path: string): Promise<void> {
    if (c.imagePullPolicy === "Never" || (c.imagePullPolicy !== "Always" && this.#present.has(c.image))) {
      await this.#runtime.ensureImage(pod, c.name);
      const message = `Container image "${c.image}" already present on machine`;
      this.#events.record(pod, { type: "Normal", reason: "Pulled", message, fieldPath: path });
      return;
    }
    this.#events.record(pod, {
      type: "Normal",
      reason: "Pulling",
      message: `Pulling image "${c.image}"`,
      fieldPath: path,
    });
    const t0 = Date.now();
    await this.#runtime.ensureImage(pod, c.name);
    this.#present.add(c.image);
    const took = formatDuration(Date.now() - t0);
    const message = `Successfully pulled image "${c.image}" in ${took} (${took} including waiting)`;
    this.#events.record(pod, { type: "Normal", reason: "Pulled", message, fieldPath: path });
  }

  #key(pod: KubeObject, c: ContainerSpec): string {
    return `${pod.metadata.uid ?? ""}/${c.name}/image`;
  }
}

/** Go's time.Duration String for the event text: 1.234s, 850ms. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
}
