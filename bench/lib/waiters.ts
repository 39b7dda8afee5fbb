// Waiting on a stream of observations (watch events, engine events): a waiter names what it
// waits for as a predicate and gets the first matching observation with the time it arrived,
// or an error naming it when the deadline passes first.

export interface Seen<T> {
  value: T;
  /** performance.now() when the observation arrived. */
  at: number;
}

interface Waiter<T> {
  accept(value: T): boolean;
  resolve(seen: Seen<T>): void;
}

export class Waiters<T> {
  readonly #waiters = new Set<Waiter<T>>();
  readonly #now: () => number;

  constructor(o: { now?: () => number } = {}) {
    this.#now = o.now ?? (() => performance.now());
  }

  /** Resolves with the first value offered from now on that `accept` takes. */
  next(accept: (value: T) => boolean, o: { timeoutMs: number; what: string }): Promise<Seen<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        accept,
        resolve: (seen) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(seen);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${o.what} within ${o.timeoutMs} ms`));
      }, o.timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Hands `value` to every waiter that accepts it. */
  offer(value: T): void {
    const at = this.#now();
    for (const waiter of [...this.#waiters]) {
      if (waiter.accept(value)) waiter.resolve({ value, at });
    }
  }

  /** How many waiters are pending. */
  get pending(): number {
    return this.#waiters.size;
  }
}
