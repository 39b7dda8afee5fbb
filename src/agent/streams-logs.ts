// `kubectl logs` bytes from a container's CRI log as the kubelet serves them: each record's
// bytes (CRI framing removed), with `timestamps` prefixed by its time in Go's RFC3339Nano
// (trailing zeros of the fraction dropped; the continuation of a partial line gets none), from sinceSeconds/sinceTime, the last tailLines,
// cut at limitBytes; with follow until the container exits or the request goes away.
import type { PodLogOptions } from "../api/streams.js";
import type { LogsOptions } from "../runtime/container-io.js";
import type { LogEntry } from "../runtime/logs.js";

export type LogSource = (ref: string, o: LogsOptions) => AsyncIterable<LogEntry>;

/** "2026-12-07T06:45:00.120000000Z" → "2026-12-07T06:45:00.12Z"; a zero fraction goes entirely. */
export function rfc3339Nano(timestamp: string): string {
  return timestamp.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits === "" ? "Z" : `.${digits}Z`));
}

/** The engine's logs options for a request at time `now`. */
export function engineLogOptions(o: PodLogOptions, now: Date, signal: AbortSignal): LogsOptions {
  let since: number | undefined;
  if (o.sinceSeconds !== undefined) since = now.getTime() / 1000 - o.sinceSeconds;
  else if (o.sinceTime !== undefined) since = o.sinceTime.getTime() / 1000;
  return {
    follow: o.follow,
    ...(o.tailLines !== undefined && o.tailLines >= 0 ? { tail: o.tailLines } : {}),
    ...(since !== undefined ? { since } : {}),
    signal,
  };
}

/** The bytes `kubectl logs` shows, chunk by chunk. */
export async function* podLogBytes(
  entries: AsyncIterable<LogEntry>,
  o: Pick<PodLogOptions, "timestamps" | "limitBytes">,
): AsyncGenerator<Buffer> {
  let left = o.limitBytes !== undefined && o.limitBytes > 0 ? o.limitBytes : Infinity;
  let lineStart = true; // the rest of a partial record gets no timestamp of its own
  for await (const e of entries) {
    const stamp = o.timestamps && lineStart;
    lineStart = !e.partial;
    const chunk = stamp ? Buffer.concat([Buffer.from(`${rfc3339Nano(e.timestamp)} `), e.line]) : e.line;
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
}
