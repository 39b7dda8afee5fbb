// The probe sets of a pod's running app containers, keyed by engine container id: created when
// a container runs, stopped when it is replaced or killed, read by the status and the plan.
import type { KubeObject } from "../api/types.js";
import type { Clock } from "./clock.js";
import type { EventRecorder } from "./events.js";
import type { ContainerRecord, PodRuntime } from "./pod-runtime.js";
import { ContainerProbes } from "./probes/container-probes.js";
import { byContainer } from "./records.js";
import { appContainers } from "./spec.js";
import { fieldPath } from "./termination.js";

export class PodProbes {
  readonly #o: { runtime: PodRuntime; clock: Clock; events: EventRecorder; onChange: () => void };
  readonly #sets = new Map<string, ContainerProbes>();

  constructor(o: { runtime: PodRuntime; clock: Clock; events: EventRecorder; onChange: () => void }) {
    this.#o = o;
  }

  /** Starts probes for newly running containers and stops those of replaced ones. */
  sync(pod: KubeObject, records: readonly ContainerRecord[], podIP: string): void {
    const attempts = byContainer(records);
    const keep = new Set<string>();
    for (const c of appContainers(pod)) {
      const rec = attempts.get(c.name)?.current;
      if (!rec || rec.state !== "running") continue;
      if (!c.livenessProbe && !c.readinessProbe && !c.startupProbe) continue;
      keep.add(rec.id);
      if (this.#sets.has(rec.id)) continue;
      const path = fieldPath(c);
      this.#sets.set(
        rec.id,
        new ContainerProbes({
          runtime: this.#o.runtime,
          clock: this.#o.clock,
          container: c,
          containerId: rec.id,
          podIP,
          startedAt: rec.startedAt ?? this.#o.clock.now(),
          onChange: this.#o.onChange,
          onFailure: (message) =>
            this.#o.events.record(pod, { type: "Warning", reason: "Unhealthy", message, fieldPath: path }),
        }),
      );
    }
    for (const id of [...this.#sets.keys()]) if (!keep.has(id)) this.stop(id);
  }

  /** ready/started of a running container: without probes, both as soon as it runs. */
  results(r: ContainerRecord): { ready: boolean; started: boolean } {
    const p = this.#sets.get(r.id);
    return p ? { ready: p.ready, started: p.started } : { ready: true, started: true };
  }

  unhealthy(r: ContainerRecord): "liveness" | "startup" | undefined {
    return this.#sets.get(r.id)?.unhealthy;
  }

  stop(id: string): void {
    this.#sets.get(id)?.stop();
    this.#sets.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.#sets.keys()]) this.stop(id);
  }
}
