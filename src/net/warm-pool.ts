// A few items made ahead of time (warm network attachments), so that the next taker skips
// the work. Refilling waits until no hold is in flight (a container start) and takes have been
// quiet for a moment, so that it does not compete with the starts that use the pool; it makes
// one item at a time.
import type { Logger } from "pino";

export interface WarmPoolOptions<T> {
  /** How many ready items to keep. */
  size: number;
  /** Makes one item; on failure it must leave nothing behind. */
  make: () => Promise<T>;
  /** Gives an item's resources back (close, or one that could not be used). */
  release: (item: T) => Promise<void>;
  /** Quiet time after the last take before refilling (ms). */
  idleMs?: number;
  logger: Logger;
}

export class WarmPool<T> {
  readonly #o: WarmPoolOptions<T>;
  readonly #ready: T[] = [];
  #lastTake = 0;
  #holds = 0;
  #timer: NodeJS.Timeout | undefined;
  #filling: Promise<void> | undefined;
  #closed = false;
  #failures = 0;

  constructor(o: WarmPoolOptions<T>) {
    this.#o = o;
  }

  get ready(): number {
    return this.#ready.length;
  }

  /** A ready item, or undefined when none is (the caller does the work itself). */
  take(): T | undefined {
    this.#lastTake = performance.now();
    const item = this.#ready.shift();
    this.schedule();
    return item;
  }

  /** Keeps refills back until `work` settles (work that a refill would slow down). */
  hold(work: Promise<unknown>): void {
    this.#holds += 1;
    this.#lastTake = performance.now();
    const done = (): void => {
      this.#holds -= 1;
      this.#lastTake = performance.now();
      this.schedule();
    };
    work.then(done, done);
  }

  /** Returns an item taken but not used (still good) to the pool. */
  giveBack(item: T): void {
    if (this.#closed) {
      void this.#release(item);
      return;
    }
    this.#ready.unshift(item);
  }

  /** Starts a refill once takes have been quiet for idleMs (no-op when full or filling). */
  schedule(): void {
    if (this.#closed || this.#o.size <= 0 || this.#filling !== undefined || this.#timer !== undefined) return;
    if (this.#ready.length >= this.#o.size) return;
    // Back off after failures (a missing plugin, a full subnet): 1 s, 2 s, … up to a minute.
    const backoff = this.#failures === 0 ? 0 : Math.min(60_000, 1000 * 2 ** (this.#failures - 1));
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const quiet = performance.now() - this.#lastTake;
        if (quiet < this.#idleMs || this.#holds > 0) {
          this.schedule();
          return;
        }
        this.#filling = this.#fillOne().finally(() => {
          this.#filling = undefined;
          this.schedule();
        });
      },
      Math.max(backoff, this.#idleMs),
    );
    this.#timer.unref();
  }

  /** Stops refilling and releases every ready item. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#filling;
    const items = this.#ready.splice(0);
    await Promise.all(items.map((item) => this.#release(item)));
  }

  get #idleMs(): number {
    return this.#o.idleMs ?? 150;
  }

  async #fillOne(): Promise<void> {
    try {
      const item = await this.#o.make();
      this.#failures = 0;
      if (this.#closed) await this.#release(item);
      else this.#ready.push(item);
    } catch (err) {
      this.#failures += 1;
      this.#o.logger.warn({ err: String(err) }, "could not prepare a warm network attachment");
    }
  }

  async #release(item: T): Promise<void> {
    await this.#o
      .release(item)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err: String(err) }, "could not release a warm network attachment"),
      );
  }
}
