// The kubelet's restart and image-pull back-off (client-go flowcontrol.Backoff): the first retry
// is immediate, then 10 s doubling to 300 s; an entry untouched for twice the maximum (10 min of
// running) starts over.

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();

  constructor(o: BackoffOptions = {}) {
    this.#initial = o.initialMs ?? 10_000;
    this.#max = o.maxMs ?? 300_000;
  }

  /**
   * Milliseconds still to wait before retrying `key` whose last attempt ended at `since`
   * (0: retry now). IsInBackOffSince.
   */
  remaining(key: string, since: Date, now: Date): number {
    const e = this.#entries.get(key);
    if (!e || this.#expired(since.getTime(), e)) return 0;
    return Math.max(0, since.getTime() + e.backoffMs - now.getTime());
  }

  /** The current back-off of `key` in ms (0 when none). */
  current(key: string): number {
    return this.#entries.get(key)?.backoffMs ?? 0;
  }

  /** Records a retry at `now`: the next wait doubles (or starts at the initial one). */
  next(key: string, now: Date): void {
    const e = this.#entries.get(key);
    const t = now.getTime();
    if (!e || this.#expired(t, e)) this.#entries.set(key, { backoffMs: this.#initial, lastUpdate: t });
    else this.#entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.#max), lastUpdate: t });
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every key starting with `prefix` (a pod's keys once it is gone). */
  forgetPrefix(prefix: string): void {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(prefix)) this.#entries.delete(k);
  }

  #expired(t: number, e: Entry): boolean {
    return t - e.lastUpdate > this.#max * 2;
  }
}
