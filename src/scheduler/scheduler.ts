// The scheduler (kube-scheduler's job): watches pods and nodes, takes unbound pods of its name
// from the queue one at a time, filters and scores every node against its cache, counts the pod
// on the chosen node at once and binds it in the background; a pod that fits nowhere gets
// PodScheduled=False and a FailedScheduling event, and waits for the cluster to change.
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import { ApiError } from "../api/errors.js";
import type { Informer } from "../api/registry/informer.js";
import type { KubeObject } from "../api/types.js";
import { fits, schedulePod, type Profile } from "./algorithm.js";
import { Binder } from "./binder.js";
import { SchedulerCache } from "./cache.js";
import { EventRecorder } from "./events.js";
import { defaultFilters } from "./filters/index.js";
import { informerFor } from "./informers.js";
import { nodeSignature } from "./node-signature.js";
import { podScheduledFalsePatch, type FailureReason } from "./pod-condition.js";
import { podInfo, podKey } from "./pod-info.js";
import { SchedulingQueue, type QueuedPod } from "./queue.js";
import { defaultScores } from "./scores/index.js";
import { systemClock, type Clock, type FilterPlugin, type PodInfo, type ScorePlugin } from "./types.js";

export interface SchedulerOptions {
  client: ClusterClient;
  logger: Logger;
  schedulerName?: string;
  clock?: Clock;
  random?: () => number;
  filters?: readonly FilterPlugin[];
  scores?: readonly ScorePlugin[];
  /** Bindings written at once (64). */
  maxBindsInFlight?: number;
  /** Back-off of a pod that failed: first and longest (1 s, 10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface SchedulerStats {
  /** Pods bound. */
  scheduled: number;
  /** Attempts that found no node. */
  unschedulable: number;
  /** Bindings that failed. */
  errors: number;
  /** Time spent deciding (filters, scores, assume), in milliseconds. */
  algorithmMs: number;
}

/** Pods decided between two yields of the loop, so watch events and bindings get their turn. */
const BATCH = 32;
const FLUSH_INTERVAL_MS = 100;

export class Scheduler {
  readonly name: string;
  readonly #o: SchedulerOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #profile: Profile;
  readonly #cache = new SchedulerCache();
  readonly #queue: SchedulingQueue;
  readonly #nodeSignatures = new Map<string, string>();
  readonly #stats: SchedulerStats = { scheduled: 0, unschedulable: 0, errors: 0, algorithmMs: 0 };
  #pods: ResourceApi | undefined;
  #binder: Binder | undefined;
  #events: EventRecorder | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(o: SchedulerOptions) {
    this.#o = o;
    this.name = o.schedulerName ?? "default-scheduler";
    this.#log = o.logger;
    this.#clock = o.clock ?? systemClock;
    this.#profile = {
      filters: o.filters ?? defaultFilters,
      scores: o.scores ?? defaultScores,
      random: o.random ?? Math.random,
    };
    this.#queue = new SchedulingQueue({
      clock: this.#clock,
      initialBackoffMs: o.initialBackoffMs,
      maxBackoffMs: o.maxBackoffMs,
    });
  }

  get stats(): Readonly<SchedulerStats> {
    return this.#stats;
  }

  /** Starts the informers; once both have listed, starts the loop. Everything stops on `signal`. */
  async start(signal: AbortSignal): Promise<void> {
    const { client } = this.#o;
    const pods = client.resource({ apiVersion: "v1", kind: "Pod" });
    this.#pods = pods;
    this.#binder = new Binder({ pods, maxInFlight: this.#o.maxBindsInFlight ?? 64, fieldManager: this.name });
    this.#events = new EventRecorder({
      events: client.resource({ apiVersion: "v1", kind: "Event" }),
      component: this.name,
      clock: this.#clock,
      logger: this.#log,
    });
    const podInformer = informerFor(pods, this.#log);
    const nodeInformer = informerFor(client.resource({ apiVersion: "v1", kind: "Node" }), this.#log);
    podInformer.onChange((type, obj) => this.#onPod(type, obj));
    nodeInformer.onChange((type, obj) => this.#onNode(type, obj));
    const informers: Informer[] = [podInformer, nodeInformer];
    const stop = (): void => informers.forEach((i) => i.stop());
    signal.addEventListener("abort", stop, { once: true });
    informers.forEach((i) => i.start());
    await Promise.race([
      Promise.all(informers.map((i) => i.synced)),
      new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
    ]);
    if (signal.aborted) return;
    const ticker = setInterval(() => this.#queue.flush(), FLUSH_INTERVAL_MS);
    ticker.unref();
    signal.addEventListener("abort", () => clearInterval(ticker), { once: true });
    this.#loop = this.#run(signal);
    this.#log.info({ scheduler: this.name }, "scheduler started");
  }

  /** Resolves once the loop has ended (after abort) and its bindings and events are written. */
  async closed(): Promise<void> {
    await this.#loop;
    await this.#binder?.idle();
    await this.#events?.flush();
  }

  async #run(signal: AbortSignal): Promise<void> {
    const binder = this.#binder as Binder;
    let batch = 0;
    for (;;) {
      const next = await this.#queue.pop(signal);
      if (next === undefined) return;
      const started = performance.now();
      const node = this.#decide(next.pod, next.cycle);
      this.#stats.algorithmMs += performance.now() - started;
      if (node !== undefined) void this.#bind(next.pod.info, node);
      if (++batch >= BATCH) {
        batch = 0;
        await new Promise((r) => setImmediate(r));
      }
      await binder.slot();
    }
  }

  /** Picks the pod's node and counts the pod there; undefined when it is not to be bound now. */
  #decide(qp: QueuedPod, cycle: number): string | undefined {
    const pod = qp.info;
    if (pod.deleting || pod.nodeName !== "") {
      this.#queue.done(pod.key);
      return undefined;
    }
    const result = schedulePod(pod, this.#cache.nodes(), this.#profile);
    if (result.node === undefined) {
      this.#stats.unschedulable++;
      this.#queue.unschedulable(pod.key, cycle);
      this.#report(pod, "Unschedulable", result.message);
      this.#log.debug({ pod: pod.key, message: result.message }, "pod unschedulable");
      return undefined;
    }
    this.#cache.assume(pod, result.node);
    return result.node;
  }

  async #bind(pod: PodInfo, node: string): Promise<void> {
    try {
      await (this.#binder as Binder).bind(pod, node);
      this.#stats.scheduled++;
      this.#queue.done(pod.key);
      this.#events?.record(pod.pod, {
        type: "Normal",
        reason: "Scheduled",
        message: `Successfully assigned ${pod.namespace}/${pod.name} to ${node}`,
        action: "Binding",
      });
    } catch (err) {
      this.#cache.forget(pod.key);
      if (err instanceof ApiError && err.reason === "NotFound") {
        this.#queue.delete(pod.key);
        return;
      }
      this.#stats.errors++;
      this.#queue.retryAfterBackoff(pod.key);
      const message = `binding rejected: ${err instanceof Error ? err.message : String(err)}`;
      this.#log.warn({ pod: pod.key, node, err }, "binding failed");
      this.#report(pod, "SchedulerError", message);
    }
  }

  /** The FailedScheduling event and the PodScheduled=False condition, written in the background. */
  #report(pod: PodInfo, reason: FailureReason, message: string): void {
    this.#events?.record(pod.pod, {
      type: "Warning",
      reason: "FailedScheduling",
      message,
      action: "Scheduling",
    });
    const patch = podScheduledFalsePatch(pod.pod, reason, message, this.#clock.now());
    if (patch === undefined || this.#pods === undefined) return;
    this.#pods
      .patch(pod.namespace, pod.name, "strategic", patch, { subresource: "status", fieldManager: this.name })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.reason === "NotFound") return;
        this.#log.warn({ pod: pod.key, err }, "updating the PodScheduled condition failed");
      });
  }

  #onPod(type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject): void {
    if (type === "DELETED") {
      const key = podKey(obj.metadata.namespace, obj.metadata.name ?? "");
      const wasCounted = this.#cache.hasPod(key);
      this.#queue.delete(key);
      this.#cache.removePod(key);
      if (wasCounted) this.#queue.moveAllToActiveOrBackoff();
      return;
    }
    const pod = podInfo(obj);
    if (pod.nodeName !== "") {
      const wasCounted = this.#cache.hasPod(pod.key);
      this.#queue.delete(pod.key);
      this.#cache.setPod(pod);
      // A bound pod that finished frees its node's resources.
      if (pod.terminal && wasCounted) this.#queue.moveAllToActiveOrBackoff();
      return;
    }
    if (pod.schedulerName !== this.name || pod.terminal || pod.deleting || pod.gated) {
      this.#queue.delete(pod.key);
      return;
    }
    if (this.#cache.isAssumed(pod.key)) return; // its binding is being written
    this.#queue.addOrUpdate(pod);
  }

  #onNode(type: "ADDED" | "MODIFIED" | "DELETED", node: KubeObject): void {
    const name = node.metadata.name ?? "";
    if (type === "DELETED") {
      this.#nodeSignatures.delete(name);
      this.#cache.removeNode(name);
      return;
    }
    this.#cache.setNode(node);
    const signature = nodeSignature(node);
    if (this.#nodeSignatures.get(name) === signature) return;
    this.#nodeSignatures.set(name, signature);
    // A change of this node can only help the parked pods that fit it now (kube-scheduler's
    // queueing hints): a cordon's taint landing does not retry — and back off — every pod.
    const view = this.#cache.nodeInfo(name);
    if (view === undefined) return;
    this.#queue.moveToActiveOrBackoff((pod) => fits(pod, view, this.#profile.filters));
  }
}
