// The probes of one running container (kubelet's probe workers): each runs after its initial
// delay and then every period; results flip only after successThreshold / failureThreshold
// in a row. The startup probe gates liveness and readiness; a failed liveness or startup
// probe holds its worker until the container is replaced.
import type { Clock, Timer } from "../clock.js";
import type { PodRuntime } from "../pod-runtime.js";
import type { ContainerSpec, ProbeSpec } from "../spec.js";
import { runHandler, type HandlerResult } from "./handler.js";

export type ProbeKind = "liveness" | "readiness" | "startup";
const LABEL: Record<ProbeKind, string> = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };

export interface ContainerProbesOptions {
  runtime: PodRuntime;
  clock: Clock;
  container: ContainerSpec;
  containerId: string;
  podIP: string;
  /** When the container started: initial delays count from here. */
  startedAt: Date;
  /** A probe's result changed (ready, started or unhealthy). */
  onChange: () => void;
  /** A probe failed (one Unhealthy event per failure, as the kubelet records). */
  onFailure: (message: string) => void;
}

interface Worker {
  kind: ProbeKind;
  spec: ProbeSpec;
  ok: boolean;
  run: number;
  last: boolean | undefined;
  timer?: Timer;
}

export class ContainerProbes {
  readonly #o: ContainerProbesOptions;
  readonly #workers: Worker[] = [];
  #stopped = false;
  #unhealthy: "liveness" | "startup" | undefined;

  constructor(o: ContainerProbesOptions) {
    this.#o = o;
    const c = o.container;
    // Initial results: not ready, alive, not started.
    if (c.startupProbe) this.#workers.push(worker("startup", c.startupProbe, false));
    if (c.livenessProbe) this.#workers.push(worker("liveness", c.livenessProbe, true));
    if (c.readinessProbe) this.#workers.push(worker("readiness", c.readinessProbe, false));
    for (const w of this.#workers) this.#schedule(w, this.#initialDelayMs(w));
  }

  get started(): boolean {
    const w = this.#worker("startup");
    return !w || w.ok;
  }

  get ready(): boolean {
    const w = this.#worker("readiness");
    return this.started && (!w || w.ok);
  }

  get unhealthy(): "liveness" | "startup" | undefined {
    return this.#unhealthy;
  }

  stop(): void {
    this.#stopped = true;
    for (const w of this.#workers) w.timer?.cancel();
  }

  #worker(kind: ProbeKind): Worker | undefined {
    return this.#workers.find((w) => w.kind === kind);
  }

  #initialDelayMs(w: Worker): number {
    const due = this.#o.startedAt.getTime() + w.spec.initialDelaySeconds * 1000;
    return Math.max(0, due - this.#o.clock.now().getTime());
  }

  #schedule(w: Worker, ms: number): void {
    if (this.#stopped) return;
    w.timer = this.#o.clock.setTimer(() => void this.#probe(w), ms);
  }

  async #probe(w: Worker): Promise<void> {
    if (this.#stopped) return;
    // Liveness and readiness wait for the startup probe; a finished startup probe stops.
    if (w.kind !== "startup" && !this.started) return this.#schedule(w, w.spec.periodSeconds * 1000);
    const r = await this.#run(w.spec);
    if (this.#stopped) return;
    this.#record(w, r);
    if (w.kind === "startup" && w.ok) return;
    if (w.kind !== "readiness" && this.#unhealthy) return;
    this.#schedule(w, w.spec.periodSeconds * 1000);
  }

  async #run(spec: ProbeSpec): Promise<HandlerResult> {
    const o = this.#o;
    const target = { runtime: o.runtime, containerId: o.containerId, container: o.container, podIP: o.podIP };
    return runHandler(spec.handler, target, Math.max(1, spec.timeoutSeconds) * 1000);
  }

  #record(w: Worker, r: HandlerResult): void {
    if (!r.ok) this.#o.onFailure(`${LABEL[w.kind]} probe failed: ${r.output}`);
    w.run = w.last === r.ok ? w.run + 1 : 1;
    w.last = r.ok;
    // Liveness and startup count one success as enough (their successThreshold must be 1).
    const threshold = r.ok ? (w.kind === "readiness" ? w.spec.successThreshold : 1) : w.spec.failureThreshold;
    if (w.run < threshold) return;
    if (!r.ok && w.kind !== "readiness") {
      w.ok = false;
      this.#unhealthy ??= w.kind;
    } else if (w.ok === r.ok) return;
    else w.ok = r.ok;
    if (w.kind === "startup" && w.ok) {
      for (const other of this.#workers.filter((x) => x !== w)) {
        other.timer?.cancel();
        this.#schedule(other, this.#initialDelayMs(other));
      }
    }
    this.#o.onChange();
  }
}

function worker(kind: ProbeKind, spec: ProbeSpec, ok: boolean): Worker {
  return { kind, spec, ok, run: 0, last: undefined };
}
