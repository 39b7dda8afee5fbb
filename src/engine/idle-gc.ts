// One full garbage collection once the engine has been quiet for a moment after requests. A
// burst (a pull, fifty `docker run`s) grows V8's heap, and V8 keeps what it grew resident until
// memory runs short; collecting when nobody waits gives it back at no cost to latency. Needs
// `--expose-gc` (set by bin/skiff.js); without it this does nothing.

type FullGc = () => void;

export class IdleCollector {
  readonly #gc: FullGc | undefined;
  readonly #quietMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: { quietMs?: number; gc?: FullGc } = {}) {
    this.#gc = o.gc ?? (globalThis as { gc?: FullGc }).gc;
    this.#quietMs = o.quietMs ?? 1000;
  }

  /** Some activity: the collection runs `quietMs` after the last one. */
  touch(): void {
    const gc = this.#gc;
    if (gc === undefined) return;
    if (this.#timer !== undefined) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      gc();
    }, this.#quietMs).unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
