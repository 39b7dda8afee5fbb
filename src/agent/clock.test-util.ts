// A fake Clock for the agent's tests: time moves only when the test advances it, firing the
// timers that fall due in order.
import type { Clock, Timer } from "./clock.js";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Pending[] = [];

  constructor(start = Date.parse("2026-01-01T00:00:00Z")) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(fn: () => void, ms: number): Timer {
    const entry = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(entry);
    return { cancel: () => (this.#timers = this.#timers.filter((t) => t !== entry)) };
  }

  /** Moves time forward by `ms`, firing due timers (and letting their promises settle). */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}

/** Lets queued promise callbacks and immediate I/O run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
