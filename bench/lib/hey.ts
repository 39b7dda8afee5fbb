// Runs `hey` (HTTP load generator) and parses its text summary.
import { runOk } from "../../test/support/tools.js";

export interface HeyResult {
  requestsPerSec: number;
  totalSeconds: number;
  /** Latencies in milliseconds. */
  averageMs: number;
  slowestMs: number;
  /** Latency percentiles in milliseconds, keyed by percent (10, 25, 50, 75, 90, 95, 99). */
  percentilesMs: Record<number, number>;
  /** Response count per HTTP status. */
  statusCounts: Record<number, number>;
  /** Requests that got no HTTP response at all. */
  errors: number;
}

export interface HeyOptions {
  requests: number;
  concurrency: number;
  /** hey -A */
  accept?: string;
  /** Extra headers, e.g. { Authorization: "Bearer ..." }. */
  headers?: Record<string, string>;
  /**
   * "user:password", sent as an Authorization: Basic header. (hey's own -a flag does not work
   * with Skiff's JWT login tokens: those requests arrive without credentials.)
   */
  basicAuth?: string;
}

export async function runHey(url: string, opts: HeyOptions): Promise<HeyResult> {
  const args = ["-n", String(opts.requests), "-c", String(opts.concurrency)];
  if (opts.accept !== undefined) args.push("-A", opts.accept);
  const headers = { ...opts.headers };
  if (opts.basicAuth !== undefined)
    headers.Authorization = `Basic ${Buffer.from(opts.basicAuth).toString("base64")}`;
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push(url);
  const { stdout } = await runOk("hey", args, { timeoutMs: 600_000 });
  return parseHey(stdout);
}

/** Parses hey's default ("summary") output. */
export function parseHey(text: string): HeyResult {
  const seconds = (label: string): number => {
    const m = new RegExp(`^\\s*${label}:\\s+([\\d.]+) secs`, "m").exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };
  const rps = /^\s*Requests\/sec:\s+([\d.]+)/m.exec(text);
  const percentilesMs: Record<number, number> = {};
  for (const m of text.matchAll(/^\s*(\d+)% in ([\d.]+) secs/gm)) {
    percentilesMs[Number(m[1])] = Number(m[2]) * 1000;
  }
  const statusCounts: Record<number, number> = {};
  for (const m of text.matchAll(/^\s*\[(\d{3})\]\s+(\d+) responses/gm)) {
    statusCounts[Number(m[1])] = Number(m[2]);
  }
  let errors = 0;
  const errorSection = text.split("Error distribution:")[1];
  if (errorSection !== undefined) {
    for (const m of errorSection.matchAll(/^\s*\[(\d+)\]\s/gm)) errors += Number(m[1]);
  }
  return {
    requestsPerSec: rps ? Number(rps[1]) : Number.NaN,
    totalSeconds: seconds("Total"),
    averageMs: seconds("Average") * 1000,
    slowestMs: seconds("Slowest") * 1000,
    percentilesMs,
    statusCounts,
    errors,
  };
}
