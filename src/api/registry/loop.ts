// A background pass run on demand (debounced pokes) and periodically, one at a time; a poke
// during a pass runs it once more afterwards. Passes are level-triggered, so repeats are safe.
import type { Logger } from "pino";

export class Loop {
  readonly #name: string;
  readonly #pass: () => Promise<void>;
  readonly #logger: Logger;
  readonly #periodMs: number;
  readonly #debounceMs: number;
  #running: Promise<void> | undefined;
  #again = false;
  #debounce: NodeJS.Timeout | undefined;
  #period: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(o: {
    name: string;
    pass: () => Promise<void>;
    logger: Logger;
    periodMs: number;
    debounceMs?: number;
  }) {
    this.#name = o.name;
    this.#pass = o.pass;
    this.#logger = o.logger;
    this.#periodMs = o.periodMs;
    this.#debounceMs = o.debounceMs ?? 50;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#period = setInterval(() => this.#run(), this.#periodMs);
    this.#period.unref();
    this.poke();
  }

  /** Asks for a pass soon. */
  poke(delayMs = this.#debounceMs): void {
    if (this.#stopped || this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#run();
    }, delayMs);
    this.#debounce.unref();
  }

  #run(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((err: unknown) => this.#logger.warn({ err, loop: this.#name }, "background pass failed"))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /** Stops scheduling and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#debounce) clearTimeout(this.#debounce);
    if (this.#period) clearInterval(this.#period);
    this.#debounce = undefined;
    await this.#running;
  }
}
