// A watcher's event queue: a bounded buffer between the fan-out (which never waits) and a
// consumer that pulls; overflow ends the stream so one slow client cannot hold the others.
import type { WatchEvent } from "../types.js";

export class WatchStream implements AsyncIterableIterator<WatchEvent> {
  readonly #capacity: number;
  readonly #queue: WatchEvent[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #ended = false;
  readonly #onEnd: () => void;

  constructor(capacity: number, onEnd: () => void) {
    this.#capacity = capacity;
    this.#onEnd = onEnd;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Queues an event; false (and the stream ends after what is queued) when over capacity. */
  push(ev: WatchEvent, force = false): boolean {
    if (this.#ended) return false;
    if (!force && this.#queue.length - this.#head >= this.#capacity) {
      this.end();
      return false;
    }
    this.#queue.push(ev);
    this.#wake?.();
    return true;
  }

  /** No more events; the consumer drains what is queued, then the iteration ends. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#wake?.();
    this.#onEnd();
  }

  async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const ev = this.#queue[this.#head++] as WatchEvent;
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#head);
          this.#head = 0;
        }
        return { value: ev, done: false };
      }
      if (this.#ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<WatchEvent>> {
    this.end();
    this.#queue.length = 0;
    this.#head = 0;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WatchEvent> {
    return this;
  }
}
