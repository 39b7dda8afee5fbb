// A per-key async lock: callers with the same key run one after another, different keys
// run concurrently. Used to order commits, deletes and garbage collection of one digest.
// Not reentrant: a `run` that calls `run` with the same key on the same mutex deadlocks.

export class KeyedMutex {
  // The promise each key's last queued holder resolves when it is done; absent when idle.
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of `key` has finished; its result or error passes through. */
  async run<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => done) : done;
    this.#tails.set(key, tail);
    try {
      if (previous) await previous;
      return await fn();
    } finally {
      release();
      // Only the last holder forgets the key, so the map holds no idle keys.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys that are held or waited for. */
  get size(): number {
    return this.#tails.size;
  }
}
