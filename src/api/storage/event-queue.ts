// A watch's buffer between the writers (which must never wait for a reader) and one consumer
// iterating at its own pace. Past `limit` queued events the consumer is ended with `overflow`
// instead of letting memory grow without bound; it then re-lists, as a Kubernetes client does
// after its watch ends. `onEnd` runs once however the iteration ends (end, fail, or the
// consumer leaving its for-await loop), so the producer can unregister at once.

export class EventQueue<T> implements AsyncIterable<T> {
  readonly #limit: number;
  readonly #overflow: () => Error;
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #onEnd: (() => void) | undefined;

  constructor(o: { limit: number; overflow: () => Error; onEnd?: () => void }) {
    this.#limit = o.limit;
    this.#overflow = o.overflow;
    this.#onEnd = o.onEnd;
  }

  /** Sets what runs once when the iteration ends (at once if it already has). */
  onEnd(f: () => void): void {
    if (this.#ended) f();
    else this.#onEnd = f;
  }

  push(item: T): void {
    if (this.#ended) return;
    if (this.#items.length - this.#head >= this.#limit) {
      this.fail(this.#overflow());
      return;
    }
    this.#items.push(item);
    this.#notify();
  }

  /** Ends the iteration after what is queued. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#notify();
    const onEnd = this.#onEnd;
    this.#onEnd = undefined;
    onEnd?.();
  }

  /** Ends the iteration at once with `error` (queued events are dropped). */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#error = error;
    this.#items = [];
    this.#head = 0;
    this.end();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (;;) {
        if (this.#head < this.#items.length) {
          const item = this.#items[this.#head++] as T;
          if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
            this.#items = this.#items.slice(this.#head);
            this.#head = 0;
          }
          yield item;
          continue;
        }
        if (this.#error) throw this.#error;
        if (this.#ended) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // The consumer stopped reading (break, return, throw): nothing more is wanted.
      this.end();
    }
  }
}
