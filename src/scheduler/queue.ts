// kube-scheduler's scheduling queue: an active queue (priority, then age), a back-off queue
// (1 s doubling to 10 s per attempt) and the pods found unschedulable, parked until the cluster
// changes in a way that may let them fit (a node they now fit, a pod deleted) or 5 minutes pass. A pod being scheduled is
// "in flight": updates to it are kept for its next attempt instead of queueing it twice.
import { Heap } from "./heap.js";
import type { Clock, PodInfo } from "./types.js";

export interface QueuedPod {
  info: PodInfo;
  /** Scheduling attempts so far (counted at each pop). */
  attempts: number;
  /** When it was queued (orders the active queue) or last failed (starts its back-off). */
  timestamp: number;
  /** When it was first queued. */
  readonly firstQueued: number;
}

type Place = "active" | "backoff" | "unschedulable" | "inflight";

interface Entry {
  pod: QueuedPod;
  place: Place;
  /** Bumped at each move, so heap items left behind by an earlier move are skipped. */
  gen: number;
  backoffUntil: number;
}

/** A heap's snapshot of an entry: its order keys as they were when it was pushed. */
interface Item {
  e: Entry;
  gen: number;
  priority: number;
  at: number;
  seq: number;
}

export interface QueueOptions {
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A parked pod is retried after this long even without a cluster change (5 min). */
  maxUnschedulableMs?: number;
}

export class SchedulingQueue {
  readonly #clock: Clock;
  readonly #initialBackoff: number;
  readonly #maxBackoff: number;
  readonly #maxUnschedulable: number;
  readonly #entries = new Map<string, Entry>();
  readonly #active = new Heap<Item>(
    (a, b) =>
      a.priority > b.priority ||
      (a.priority === b.priority && (a.at < b.at || (a.at === b.at && a.seq < b.seq))),
  );
  readonly #backoff = new Heap<Item>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  readonly #waiters: (() => void)[] = [];
  #seq = 0;
  #cycle = 0;
  #moveRequestCycle = -1;

  constructor(o: QueueOptions) {
    this.#clock = o.clock;
    this.#initialBackoff = o.initialBackoffMs ?? 1000;
    this.#maxBackoff = o.maxBackoffMs ?? 10_000;
    this.#maxUnschedulable = o.maxUnschedulableMs ?? 5 * 60_000;
  }

  /** Pods queued anywhere (active, back-off, parked or in flight). */
  get size(): number {
    return this.#entries.size;
  }

  placeOf(key: string): Place | undefined {
    return this.#entries.get(key)?.place;
  }

  /** A new or changed unbound pod. A parked pod whose spec or metadata changed is retried. */
  addOrUpdate(info: PodInfo): void {
    const e = this.#entries.get(info.key);
    if (e === undefined) {
      const now = this.#now();
      const pod: QueuedPod = { info, attempts: 0, timestamp: now, firstQueued: now };
      const entry: Entry = { pod, place: "active", gen: 0, backoffUntil: 0 };
      this.#entries.set(info.key, entry);
      this.#pushActive(entry);
      return;
    }
    const changed = e.place === "unschedulable" && significantChange(e.pod.info, info);
    e.pod.info = info;
    if (changed) this.#release(e);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** The next pod to schedule and its scheduling cycle; waits while none is active. */
  async pop(signal: AbortSignal): Promise<{ pod: QueuedPod; cycle: number } | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const item = this.#active.pop();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            signal.removeEventListener("abort", done);
            resolve();
          };
          signal.addEventListener("abort", done);
          this.#waiters.push(done);
        });
        continue;
      }
      const e = item.e;
      if (!this.#current(item, "active")) continue;
      e.place = "inflight";
      e.gen++;
      e.pod.attempts++;
      return { pod: e.pod, cycle: ++this.#cycle };
    }
  }

  /** The pod was bound (or dropped): it leaves the queue. */
  done(key: string): void {
    if (this.#entries.get(key)?.place === "inflight") this.#entries.delete(key);
  }

  /** The pod fits nowhere: parked, or backed off when the cluster changed during its cycle. */
  unschedulable(key: string, cycle: number): void {
    const e = this.#inflight(key);
    if (e === undefined) return;
    if (this.#moveRequestCycle >= cycle) this.#toBackoff(e);
    else e.place = "unschedulable";
  }

  /** Scheduling or binding failed on an error: retried after the pod's back-off. */
  retryAfterBackoff(key: string): void {
    const e = this.#inflight(key);
    if (e !== undefined) this.#toBackoff(e);
  }

  /** The cluster changed so parked pods may fit now: each goes active, or to back-off if still in it. */
  moveAllToActiveOrBackoff(): void {
    this.moveToActiveOrBackoff(() => true);
  }

  /**
   * The cluster changed in a way that can help only some parked pods (kube-scheduler's queueing
   * hints): those `helps` answers true for go active, or to back-off if still in it.
   */
  moveToActiveOrBackoff(helps: (pod: PodInfo) => boolean): void {
    this.#moveRequestCycle = this.#cycle;
    for (const e of this.#entries.values())
      if (e.place === "unschedulable" && helps(e.pod.info)) this.#release(e);
  }

  /** Moves pods whose back-off is over to active, and pods parked too long back to trying. */
  flush(): void {
    const now = this.#now();
    for (;;) {
      const top = this.#backoff.peek();
      if (top === undefined || top.at > now) break;
      this.#backoff.pop();
      if (this.#current(top, "backoff")) this.#pushActive(top.e);
    }
    for (const e of this.#entries.values()) {
      if (e.place === "unschedulable" && now - e.pod.timestamp >= this.#maxUnschedulable) this.#release(e);
    }
  }

  /** The back-off after `attempts` attempts: initial, doubled per further attempt, capped. */
  backoffMs(attempts: number): number {
    let d = this.#initialBackoff;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d >= this.#maxBackoff) return this.#maxBackoff;
    }
    return Math.min(d, this.#maxBackoff);
  }

  #inflight(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || e.place !== "inflight") return undefined;
    e.pod.timestamp = this.#now();
    e.backoffUntil = e.pod.timestamp + this.backoffMs(e.pod.attempts);
    return e;
  }

  #release(e: Entry): void {
    if (e.backoffUntil > this.#now()) this.#toBackoff(e);
    else this.#pushActive(e);
  }

  #toBackoff(e: Entry): void {
    e.place = "backoff";
    this.#backoff.push(this.#item(e, e.backoffUntil));
  }

  #pushActive(e: Entry): void {
    e.place = "active";
    this.#active.push(this.#item(e, e.pod.timestamp));
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #item(e: Entry, at: number): Item {
    e.gen++;
    return { e, gen: e.gen, priority: e.pod.info.priority, at, seq: this.#seq++ };
  }

  #current(item: Item, place: Place): boolean {
    const e = item.e;
    return this.#entries.get(e.pod.info.key) === e && e.place === place && e.gen === item.gen;
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}

/** Anything but status, resourceVersion and managedFields changed (kube-scheduler's isPodUpdated). */
function significantChange(a: PodInfo, b: PodInfo): boolean {
  const strip = (p: PodInfo): string => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = p.pod.metadata;
    return JSON.stringify([meta, p.pod["spec"]]);
  };
  return strip(a) !== strip(b);
}
