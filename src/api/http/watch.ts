// Watch streams (kubectl-wire §7): headers flushed at once (kubectl waits for them before it
// reports success), then one JSON WatchEvent per line, chunked, until the client leaves, the
// registry ends the watch or `timeoutSeconds` pass. A failure after the headers went out is
// sent as an ERROR event carrying a Status, as Kubernetes does (e.g. 410 for a too-old RV).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject, WatchEvent } from "../types.js";
import { drained, statusOf } from "./respond.js";

export interface WatchStream {
  /** The registry's watch, ending when `signal` aborts. */
  events(signal: AbortSignal): AsyncIterable<WatchEvent>;
  contentType: string;
  timeoutSeconds?: number;
  /** Replaces each event's object (Table watches); BOOKMARKs and ERRORs are passed as given. */
  transform?: (event: WatchEvent) => unknown;
  /** Aborted when the server shuts down: the stream ends (clients re-watch elsewhere or later). */
  shutdown?: AbortSignal;
}

/** Serves one watch; resolves when the stream has ended. */
export async function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchStream): Promise<void> {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  req.once("close", stop);
  res.once("close", stop);
  w.shutdown?.addEventListener("abort", stop, { once: true });
  const timer =
    w.timeoutSeconds !== undefined && w.timeoutSeconds > 0
      ? setTimeout(stop, w.timeoutSeconds * 1000)
      : undefined;

  let events: AsyncIterable<WatchEvent>;
  try {
    // Bad selectors or resourceVersions throw here: a plain error answer, not a stream.
    events = w.events(abort.signal);
  } catch (err) {
    if (timer !== undefined) clearTimeout(timer);
    req.off("close", stop);
    res.off("close", stop);
    w.shutdown?.removeEventListener("abort", stop);
    throw err;
  }
  res.writeHead(200, { "Content-Type": w.contentType, "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  try {
    for await (const event of events) {
      if (abort.signal.aborted) break;
      const body = w.transform ? w.transform(event) : event;
      if (!res.write(`${JSON.stringify(body)}\n`)) await drained(res, abort.signal);
    }
  } catch (err) {
    if (!abort.signal.aborted && !res.destroyed) {
      const status = statusOf(err);
      res.write(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    req.off("close", stop);
    res.off("close", stop);
    w.shutdown?.removeEventListener("abort", stop);
    abort.abort();
    if (!res.destroyed) res.end();
  }
}

/** A WatchEvent whose object is rendered by `render` (ADDED/MODIFIED/DELETED only). */
export function mapEventObject(event: WatchEvent, render: (obj: KubeObject) => unknown): unknown {
  if (event.type === "ERROR") return event;
  return { type: event.type, object: render(event.object) };
}
