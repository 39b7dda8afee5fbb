// client-go's rate-limited work queue: a key queued twice before a worker takes it runs once; a
// key is never synced by two workers at once (re-added while running → runs again after); keys
// that fail come back after a per-key exponential back-off, reset by forget().
import type { Logger } from "pino";
import { systemClock, timerOf, type Clock, type TimerClock } from "./clock.js";

export interface WorkQueueOptions {
  /** First back-off after a failure (default 5 ms), doubled per consecutive failure. */
  baseDelayMs?: number;
  /** Back-off ceiling (default 60 s). */
  maxDelayMs?: number;
  /** Schedules addAfter / back-off; a FakeClock in tests. */
  clock?: Clock;
}

export type SyncFn = (key: string) => Promise<void>;

export class WorkQueue {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #after: ReturnType<typeof timerOf>;
  readonly #queue: string[] = [];
  /** Keys waiting to be processed (in #queue, or to be re-queued once processing ends). */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { at: number; cancel: () => void }>();
  readonly #clock: Clock;
  #waiters: (() => void)[] = [];
  #shutdown = false;

  constructor(o: WorkQueueOptions = {}) {
    this.#baseDelayMs = o.baseDelayMs ?? 5;
    this.#maxDelayMs = o.maxDelayMs ?? 60_000;
    this.#clock = o.clock ?? systemClock;
    this.#after = timerOf(this.#clock);
  }

  add(key: string): void {
    if (this.#shutdown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#waiters.shift()?.();
  }

  /** Adds `key` once `delayMs` passed on the queue's clock; an earlier pending deadline wins. */
  addAfter(key: string, delayMs: number): void {
    this.#schedule(key, delayMs, this.#after);
  }

  /** Adds `key` after its back-off (real time), which doubles with each call until forget(key). */
  addRateLimited(key: string): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    const delay = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.min(n, 40));
    this.#schedule(key, delay, systemClock.after);
  }

  #schedule(key: string, delayMs: number, after: TimerClock["after"]): void {
    if (this.#shutdown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.#clock.now().getTime() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = after(delayMs, () => {
      this.#timers.delete(key);
      this.add(key);
    });
    this.#timers.set(key, { at, cancel });
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Consecutive failures recorded for `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Keys waiting to be taken (not counting those being processed or delayed). */
  get length(): number {
    return this.#queue.length;
  }

  /** Runs `sync` over keys with `workers` concurrent workers until `signal` aborts. */
  async run(sync: SyncFn, o: { workers: number; signal: AbortSignal; logger: Logger }): Promise<void> {
    const onAbort = (): void => this.#stop();
    if (o.signal.aborted) return this.#stop();
    o.signal.addEventListener("abort", onAbort, { once: true });
    const workers = Array.from({ length: Math.max(1, o.workers) }, () => this.#worker(sync, o.logger));
    await Promise.all(workers);
    o.signal.removeEventListener("abort", onAbort);
  }

  async #worker(sync: SyncFn, logger: Logger): Promise<void> {
    for (;;) {
      const key = await this.#take();
      if (key === undefined) return;
      try {
        await sync(key);
        this.forget(key);
      } catch (err) {
        logger.warn({ err, key }, "sync failed; retrying with back-off");
        this.addRateLimited(key);
      } finally {
        this.#done(key);
      }
    }
  }

  async #take(): Promise<string | undefined> {
    while (this.#queue.length === 0) {
      if (this.#shutdown) return undefined;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const key = this.#queue.shift() as string;
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shutdown) {
      this.#queue.push(key);
      this.#waiters.shift()?.();
    }
  }

  #stop(): void {
    this.#shutdown = true;
    this.#queue.length = 0;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
