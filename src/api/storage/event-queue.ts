// A watch's buffer between the writers (which must never wait for a reader) and one consumer
// iterating at its own pace. Past `limit` queued events the consumer is ended with `overflow`
// instead of letting memory grow without bound; it then re-lists, as a Kubernetes client does
// after its watch ends.

export class EventQueue<T> implements AsyncIterable<T> {
  readonly #limit: number;
  readonly #overflow: () => Error;
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(o: { limit: number; overflow: () => Error }) {
    this.#limit = o.limit;
    this.#overflow = o.overflow;
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
    this.#ended = true;
    this.#notify();
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
  }
}
