// The Docker Engine API over a unix socket, for the timed steps of the Swarm side of the
// orchestration benchmark (the CLI's own start-up would be measured otherwise): JSON requests,
// and the events stream as parsed lines.
import { request, type IncomingMessage } from "node:http";
import { onLines } from "../../test/support/child.js";

export class DockerApi {
  readonly #socketPath: string;

  constructor(o: { socketPath: string }) {
    this.#socketPath = o.socketPath;
  }

  /** `METHOD path` with an optional JSON body; the parsed answer (undefined when empty). */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.#send(method, path, body);
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.once("error", reject);
    });
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw new Error(`${method} ${path}: HTTP ${code}: ${text.trim()}`);
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  }

  /** Streams GET /events (with `filters`) line by line to `onEvent` until `signal` aborts. */
  async events(
    filters: Record<string, string[]>,
    onEvent: (event: unknown) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.#send("GET", `/events?filters=${encodeURIComponent(JSON.stringify(filters))}`);
    signal.addEventListener("abort", () => res.destroy(), { once: true });
    onLines(res, (line) => {
      if (line.trim() !== "") onEvent(JSON.parse(line) as unknown);
    });
  }

  #send(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.#socketPath,
          method,
          path,
          headers: payload === undefined ? {} : { "Content-Type": "application/json" },
        },
        resolve,
      );
      req.once("error", reject);
      req.end(payload);
    });
  }
}
