// Wall time of the steps of one operation (start, exit handling, removal), for the debug log:
//   const t = new PhaseTimer();  await mount();  t.mark("mount");  …  logger.debug({ ms: t.phases() }, "…")
// A step that runs alongside others is timed with `time(name, promise)` instead.
export class PhaseTimer {
  readonly #started = performance.now();
  #last = this.#started;
  readonly #phases: Record<string, number> = {};

  /** Records the time since the previous mark (or the start) under `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.#phases[name] = round(now - this.#last);
    this.#last = now;
  }

  /** Records how long `p` takes under `name` (for steps that run concurrently). */
  async time<T>(name: string, p: Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await p;
    } finally {
      this.#phases[name] = round(performance.now() - t);
    }
  }

  /** Every phase so far and `total` since the timer was made. */
  phases(): Record<string, number> {
    return { ...this.#phases, total: round(performance.now() - this.#started) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
