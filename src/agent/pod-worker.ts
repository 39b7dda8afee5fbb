// One pod bound to this node (kubelet's pod worker): every change — a new version of the pod,
// a container exit, a probe result, a back-off running out — triggers a level-triggered sync
// that compares the spec with the runtime's records, acts (start, kill, wait) and writes the
// status when it changed. Syncs of one pod never overlap; different pods run concurrently.
import type { Logger } from "pino";
import type { ResourceApi } from "../api/client/cluster.js";
import { strAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import type { Backoff } from "./backoff.js";
import type { Clock, Timer } from "./clock.js";
import type { ContainerStarter } from "./container-start.js";
import type { EventRecorder } from "./events.js";
import { backoffKey, planPod, type BackoffWait, type PodPlan, type StartAction } from "./pod-plan.js";
import type { ContainerRecord, PodRuntime } from "./pod-runtime.js";
import { podStatus, type Waiting } from "./pod-status.js";
import { PodProbes } from "./pod-probes.js";
import { byContainer } from "./records.js";
import { containerSpec, podDescription, restartPolicy, terminationGraceSeconds } from "./spec.js";
import { StatusWriter } from "./status-writer.js";
import { fieldPath, stopGracefully } from "./termination.js";
import { PodTermination } from "./pod-worker-terminate.js";

export interface PodWorkerContext {
  runtime: PodRuntime;
  pods: ResourceApi;
  events: EventRecorder;
  starter: ContainerStarter;
  restartBackoff: Backoff;
  clock: Clock;
  logger: Logger;
  nodeIP: string;
}

/** How long a status write waits for containers being started before showing them as creating. */
const HOLD_STATUS_MS = 500;
const RETRY_MS = 1000;

export class PodWorker {
  readonly uid: string;
  readonly #ctx: PodWorkerContext;
  readonly #status: StatusWriter;
  readonly #probes: PodProbes;
  readonly #termination: PodTermination;
  readonly #waiting = new Map<string, Waiting>();
  /** Containers being started or stopped, and since when (ms). */
  readonly #busy = new Map<string, number>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #retryAt = new Map<string, number>();
  readonly #backoffReported = new Set<string>();
  readonly #timers = new Map<number, Timer>();
  #pod: KubeObject;
  #gone = false;
  #podIP: string | undefined;
  #sandboxRemoved = false;
  #running = false;
  #again = false;
  #closed = false;

  constructor(ctx: PodWorkerContext, pod: KubeObject) {
    this.#ctx = ctx;
    this.#pod = pod;
    this.uid = pod.metadata.uid ?? "";
    this.#status = new StatusWriter({ pods: ctx.pods, logger: ctx.logger });
    this.#probes = new PodProbes({ ...ctx, onChange: () => this.kick() });
    this.#termination = new PodTermination(ctx);
  }

  /** Resolves once the pod is deleted and its containers and sandbox are gone. */
  get finished(): Promise<void> {
    return this.#termination.finished;
  }

  /** A new version of the pod from the informer, or undefined when it left the API. */
  update(pod: KubeObject | undefined): void {
    if (!pod) this.#gone = true;
    else if (newer(pod, this.#pod)) this.#pod = pod;
    this.kick();
  }

  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#loop();
  }

  /** Stops timers and probes; containers keep running (a restarted agent adopts them). */
  close(): void {
    this.#closed = true;
    this.#probes.stopAll();
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  /** Current and previous engine container ids of one container. */
  containerIds(name: string): { current?: string; previous?: string } {
    const a = byContainer(this.#records()).get(name);
    return { ...(a && { current: a.current.id }), ...(a?.previous && { previous: a.previous.id }) };
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#sync();
      } catch (err) {
        this.#ctx.logger.warn({ err, pod: this.#pod.metadata.name }, "pod sync failed; retrying");
        this.#wake(RETRY_MS);
      }
    } while (this.#again && !this.#closed);
    this.#running = false;
  }

  #records(): ContainerRecord[] {
    return this.#ctx.runtime.listContainers(this.uid);
  }

  async #sync(): Promise<void> {
    const pod = this.#pod;
    if (this.#gone || pod.metadata.deletionTimestamp) {
      this.#probes.stopAll();
      await Promise.all(this.#inflight);
      const status = (records: ContainerRecord[]) => this.#statusOf(pod, records, true);
      await this.#termination.terminate({
        pod,
        gone: this.#gone,
        podIP: this.#podIP ?? "",
        status,
        writer: this.#status,
      });
      if (this.#termination.done) this.close();
      return;
    }
    const phase = strAt(pod.status, "phase");
    if (phase === "Succeeded" || phase === "Failed") return this.#syncTerminal(pod);
    if (this.#podIP === undefined && !(await this.#ensureSandbox(pod))) return;
    const now = this.#ctx.clock.now();
    const records = this.#records();
    const plan = planPod({
      pod,
      records,
      backoff: this.#ctx.restartBackoff,
      now,
      busy: this.#busyNames(now.getTime()),
      unhealthy: (r) => this.#probes.unhealthy(r),
    });
    // An exit shows (Error, Completed, OOMKilled) before its restart or back-off replaces it, as
    // the kubelet reports it: `kubectl get pods` goes Error → Running → Error → CrashLoopBackOff.
    // The status is taken now, before #act changes what the pod waits for; the restart does not
    // wait for the write.
    const exitShown =
      plan.waits.length > 0 || plan.start.some((s) => s.attempt > 0)
        ? this.#publish(pod, records, { hold: false })
        : undefined;
    this.#act(pod, plan, records);
    await exitShown;
    this.#probes.sync(pod, records, this.#podIP ?? "");
    await this.#publish(pod, records);
  }

  async #ensureSandbox(pod: KubeObject): Promise<boolean> {
    try {
      this.#podIP = (await this.#ctx.runtime.ensureSandbox(pod)).podIP;
      await this.#ctx.runtime.prepareVolumes(pod);
      return true;
    } catch (err) {
      this.#podIP = undefined;
      const message = `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
      this.#ctx.events.record(pod, { type: "Warning", reason: "FailedCreatePodSandBox", message });
      await this.#publish(pod, this.#records());
      this.#wake(RETRY_MS * 5);
      return false;
    }
  }

  #act(pod: KubeObject, plan: PodPlan, records: ContainerRecord[]): void {
    for (const w of plan.waits) this.#backoffWait(pod, w, records);
    for (const k of plan.kill) this.#kill(pod, k.record, k.probe);
    for (const s of plan.start) this.#start(pod, s);
    for (const r of plan.remove)
      void this.#ctx.runtime
        .removeContainer(r.id)
        .catch((err: unknown) => this.#ctx.logger.debug({ err }, "remove failed"));
  }

  #busyNames(now: number): Set<string> {
    const names = new Set(this.#busy.keys());
    for (const [name, at] of this.#retryAt) {
      if (at > now) {
        names.add(name);
        this.#wake(at - now);
      } else this.#retryAt.delete(name);
    }
    return names;
  }

  #track(name: string, work: Promise<void>): void {
    this.#busy.set(name, this.#ctx.clock.now().getTime());
    const p = work
      .catch((err: unknown) => this.#ctx.logger.warn({ err, container: name }, "container action failed"))
      .finally(() => {
        this.#busy.delete(name);
        this.#inflight.delete(p);
        this.kick();
      });
    this.#inflight.add(p);
  }

  #start(pod: KubeObject, s: StartAction): void {
    const { container: c, attempt } = s;
    const gate = this.#ctx.starter.gate(pod, c);
    if (gate) {
      this.#waiting.set(c.name, gate.waiting);
      this.#wake(gate.retryMs);
      return;
    }
    if (this.#waiting.get(c.name)?.reason === "CrashLoopBackOff")
      this.#waiting.set(c.name, { reason: "ContainerCreating" });
    const now = this.#ctx.clock.now();
    if (attempt > 0) this.#ctx.restartBackoff.next(backoffKey(pod, c.name), now);
    const work = this.#ctx.starter.start(pod, c, attempt).then((outcome) => {
      if (outcome.ok) {
        this.#waiting.delete(c.name);
        return;
      }
      this.#waiting.set(c.name, outcome.waiting);
      this.#retryAt.set(c.name, this.#ctx.clock.now().getTime() + outcome.retryMs);
    });
    this.#track(c.name, work);
  }

  #backoffWait(pod: KubeObject, w: BackoffWait, records: ContainerRecord[]): void {
    const name = w.container.name;
    const message = `back-off ${goDuration(w.backoffMs)} restarting failed container=${name} pod=${podDescription(pod)}`;
    this.#waiting.set(name, { reason: "CrashLoopBackOff", message });
    const last = byContainer(records).get(name)?.current.id ?? "";
    if (!this.#backoffReported.has(last)) {
      this.#backoffReported.add(last);
      const text = `Back-off restarting failed container ${name} in pod ${podDescription(pod)}`;
      this.#ctx.events.record(pod, {
        type: "Warning",
        reason: "BackOff",
        message: text,
        fieldPath: fieldPath(w.container),
      });
    }
    this.#wake(w.remainingMs);
  }

  #kill(pod: KubeObject, record: ContainerRecord, probe: "liveness" | "startup"): void {
    const c = containerSpec(pod, record.name);
    const restarts = restartPolicy(pod) !== "Never";
    const message = `Container ${record.name} failed ${probe} probe${restarts ? ", will be restarted" : ""}`;
    const probeGrace = probe === "liveness" ? c?.livenessProbe : c?.startupProbe;
    const graceSeconds = probeGrace?.terminationGracePeriodSeconds ?? terminationGraceSeconds(pod);
    this.#probes.stop(record.id);
    const ctx = this.#ctx;
    const stop = stopGracefully({
      ...ctx,
      pod,
      container: c,
      record,
      podIP: this.#podIP ?? "",
      graceSeconds,
      message,
    });
    this.#track(record.name, stop);
  }

  async #syncTerminal(pod: KubeObject): Promise<void> {
    this.#probes.stopAll();
    const records = this.#records();
    for (const r of records.filter((x) => x.state === "running" && !this.#busy.has(x.name))) {
      const c = containerSpec(pod, r.name);
      const graceSeconds = terminationGraceSeconds(pod);
      const message = `Stopping container ${r.name}`;
      this.#track(
        r.name,
        stopGracefully({
          ...this.#ctx,
          pod,
          container: c,
          record: r,
          podIP: this.#podIP ?? "",
          graceSeconds,
          message,
        }),
      );
    }
    await this.#publish(pod, records);
    if (this.#busy.size === 0 && !this.#sandboxRemoved) {
      await this.#ctx.runtime.removeSandbox(this.uid);
      this.#sandboxRemoved = true;
    }
  }

  #statusOf(pod: KubeObject, records: ContainerRecord[], terminal: boolean) {
    return podStatus({
      pod,
      records,
      waiting: this.#waiting,
      probes: (r) => this.#probes.results(r),
      ...(this.#podIP !== undefined && { podIP: this.#podIP }),
      hostIP: this.#ctx.nodeIP,
      now: this.#ctx.clock.now(),
      terminal,
    });
  }

  /** Writes the status; by default held while containers are being started (up to HOLD_STATUS_MS). */
  async #publish(pod: KubeObject, records: ContainerRecord[], o = { hold: true }): Promise<void> {
    const now = this.#ctx.clock.now().getTime();
    const oldest = Math.min(...this.#busy.values());
    if (o.hold && this.#busy.size > 0 && now - oldest < HOLD_STATUS_MS) {
      this.#wake(HOLD_STATUS_MS - (now - oldest));
      return;
    }
    const stored = await this.#status.write(pod, this.#statusOf(pod, records, false));
    if (stored && newer(stored, this.#pod)) this.#pod = stored;
  }

  /** Makes sure a sync runs `ms` from now (or earlier). */
  #wake(ms: number): void {
    if (this.#closed) return;
    const at = this.#ctx.clock.now().getTime() + Math.max(0, ms);
    for (const t of this.#timers.keys()) if (t <= at && t >= at - ms) return;
    const timer = this.#ctx.clock.setTimer(() => {
      this.#timers.delete(at);
      this.kick();
    }, ms);
    this.#timers.set(at, timer);
  }
}

/** Whether `a` is a later version of the pod than `b` (resourceVersions are revisions). */
function newer(a: KubeObject, b: KubeObject): boolean {
  if (a.metadata.uid !== b.metadata.uid) return true;
  const x = a.metadata.resourceVersion ?? "";
  const y = b.metadata.resourceVersion ?? "";
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return BigInt(x) >= BigInt(y);
  return true;
}

/** Go's Duration String for whole seconds: 10s, 2m40s, 5m0s. */
function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
