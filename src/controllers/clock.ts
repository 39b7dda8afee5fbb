// Time for controllers, injected so tests can move it: `now()` for every comparison with a
// timestamp, `after()` for delayed work (a fake clock fires it when advanced past the deadline).

export interface Clock {
  now(): Date;
}

/** A clock that also schedules callbacks; `after` answers a function that cancels the callback. */
export interface TimerClock extends Clock {
  after(delayMs: number, fn: () => void): () => void;
}

export const systemClock: TimerClock = {
  now: () => new Date(),
  after(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** `clock.after` when the clock schedules, else a real timer. */
export function timerOf(clock: Clock): TimerClock["after"] {
  return "after" in clock && typeof clock.after === "function"
    ? (clock as TimerClock).after.bind(clock)
    : systemClock.after;
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A manual clock for tests: time moves only through `advance` / `set`, which fire due callbacks. */
export class FakeClock implements TimerClock {
  #ms: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start: Date | string = "2026-01-01T00:00:00Z") {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  after(delayMs: number, fn: () => void): () => void {
    const p: Pending = { at: this.#ms + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#pending.push(p);
    return () => {
      this.#pending = this.#pending.filter((x) => x !== p);
    };
  }

  /** Moves time forward by `ms`, firing every callback that falls due, in order. */
  advance(ms: number): void {
    this.set(new Date(this.#ms + ms));
  }

  set(date: Date): void {
    const target = date.getTime();
    for (;;) {
      const due = this.#pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#pending = this.#pending.filter((p) => p !== due);
      this.#ms = Math.max(this.#ms, due.at);
      due.fn();
    }
    this.#ms = Math.max(this.#ms, target);
  }

  /** Callbacks not yet fired. */
  get pendingTimers(): number {
    return this.#pending.length;
  }
}
