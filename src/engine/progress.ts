// Progress streams (pull, push, import, load): Docker's JSON messages one per line. Like
// moby, the headers go out with the first message, so an error before any progress is an
// ordinary HTTP error; an error after it is a last `{"errorDetail": …, "error": …}` line.
import type { ServerResponse } from "node:http";
import { toHttpError } from "./errors.js";
import type { ProgressMessage, ProgressSink } from "./ports.js";
import { startStream } from "./reply.js";
import type { Exchange } from "./route.js";

export class ProgressStream {
  readonly #exchange: Exchange;
  #res: ServerResponse | undefined;
  /** Every status text sent, so a handler can tell whether the service already said something. */
  readonly statuses: string[] = [];

  constructor(exchange: Exchange) {
    this.#exchange = exchange;
  }

  get started(): boolean {
    return this.#res !== undefined;
  }

  readonly write: ProgressSink = (message: ProgressMessage) => {
    this.#res ??= startStream(this.#exchange, "application/json");
    if (message.status !== undefined) this.statuses.push(message.status);
    if (!this.#res.destroyed) this.#res.write(JSON.stringify(message) + "\n");
  };

  /**
   * Runs `work` with this stream as its progress sink, then ends the response. An error
   * before the first message propagates (the caller answers it with its status).
   */
  async run<T>(work: (onProgress: ProgressSink) => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work(this.write);
      this.#res ??= startStream(this.#exchange, "application/json");
      this.#res.end();
      return result;
    } catch (err) {
      if (this.#res === undefined) throw err;
      const { message } = toHttpError(err);
      this.write({ errorDetail: { message }, error: message });
      this.#res.end();
      return undefined;
    }
  }
}
