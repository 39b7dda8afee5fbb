// Turns per-registry results into comparison rows, a Markdown table and notes.
import type { HeyResult } from "./hey.js";
import type { ProcessUsage } from "./proc-sampler.js";
import {
  TRANSFER_STEPS,
  type ManifestLoad,
  type TransferResult,
  type TransferStep,
} from "./registry-steps.js";
import { median, MiB } from "./stats.js";
import { fmt, markdownTable } from "./table.js";

/** Everything measured on one registry. */
export interface TargetResult extends ManifestLoad {
  name: string;
  /** Each run of each transfer step. */
  transfers: TransferRuns;
  /** Memory and CPU of the registry process over the whole benchmark. */
  usage: ProcessUsage;
}

export type TransferRuns = Record<TransferStep, TransferResult[]>;

export interface ComparisonRow {
  metric: string;
  skiff?: number;
  distribution?: number;
  /** Which direction is better for Skiff. */
  better: "higher" | "lower";
  /** How many times better Skiff is (>1 = Skiff better): skiff/dist for "higher", dist/skiff for "lower". */
  ratio?: number;
  /** Required ratio, when the metric has a target. */
  target?: number;
  targetText?: string;
  met?: boolean;
}

type Pick = (r: TargetResult) => number | undefined;

const p99 = (h: HeyResult | undefined): number | undefined => h?.percentilesMs[99];
const rate = (r: TargetResult, step: TransferStep): number | undefined =>
  median(r.transfers[step].map((t) => t.mibPerSec));
const cpu = (
  r: TargetResult,
  step: TransferStep,
  of: "clientCpuSeconds" | "serverCpuSeconds",
): number | undefined => median(r.transfers[step].map((t) => t[of]));

/** CPU per transfer of the client and of the registry: when the client's CPU is as long as the
 *  transfer itself, the client sets the pace and the MiB/s say little about the registry. */
const CPU_ROWS = (
  [
    ["skopeo push", "skopeoPush"],
    ["skopeo pull", "skopeoPull"],
    ["curl push", "curlPush"],
    ["curl pull", "curlPull"],
  ] as const
).flatMap(([label, step]) =>
  (
    [
      ["client (skopeo or curl)", "clientCpuSeconds"],
      ["registry", "serverCpuSeconds"],
    ] as const
  ).map(([who, of]) => ({
    metric: `${label}: CPU s of the ${who} per transfer (median)`,
    better: "lower" as const,
    skiff: (r: TargetResult) => cpu(r, step, of),
    distribution: (r: TargetResult) => cpu(r, step, of),
  })),
);

const METRICS: ReadonlyArray<{
  metric: string;
  better: "higher" | "lower";
  skiff: Pick;
  distribution: Pick;
  target?: number;
  targetText?: string;
}> = [
  {
    metric: "skopeo push, MiB/s (median)",
    better: "higher",
    skiff: (r) => rate(r, "skopeoPush"),
    distribution: (r) => rate(r, "skopeoPush"),
    target: 1.2,
    targetText: "≥ 1.2×",
  },
  {
    metric: "skopeo pull, MiB/s (median)",
    better: "higher",
    skiff: (r) => rate(r, "skopeoPull"),
    distribution: (r) => rate(r, "skopeoPull"),
    target: 1.2,
    targetText: "≥ 1.2×",
  },
  {
    metric: "curl push, MiB/s (median)",
    better: "higher",
    skiff: (r) => rate(r, "curlPush"),
    distribution: (r) => rate(r, "curlPush"),
  },
  {
    metric: "curl pull, MiB/s (median)",
    better: "higher",
    skiff: (r) => rate(r, "curlPull"),
    distribution: (r) => rate(r, "curlPull"),
  },
  {
    metric: "manifest GET, req/s (Skiff basic auth, dist. anonymous)",
    better: "higher",
    skiff: (r) => r.manifestGet.requestsPerSec,
    distribution: (r) => r.manifestGet.requestsPerSec,
    target: 2,
    targetText: "≥ 2×",
  },
  {
    metric: "manifest GET p99, ms (basic / anonymous)",
    better: "lower",
    skiff: (r) => p99(r.manifestGet),
    distribution: (r) => p99(r.manifestGet),
    target: 1,
    targetText: "lower",
  },
  {
    metric: "manifest GET, req/s (Skiff bearer, dist. anonymous)",
    better: "higher",
    skiff: (r) => r.manifestGetBearer?.requestsPerSec,
    distribution: (r) => r.manifestGet.requestsPerSec,
    target: 2,
    targetText: "≥ 2×",
  },
  {
    metric: "manifest GET p99, ms (bearer / anonymous)",
    better: "lower",
    skiff: (r) => p99(r.manifestGetBearer),
    distribution: (r) => p99(r.manifestGet),
    target: 1,
    targetText: "lower",
  },
  {
    metric: "peak RSS, MiB (max of 50 ms VmRSS samples and VmHWM)",
    better: "lower",
    skiff: (r) => r.usage.peakRss / MiB,
    distribution: (r) => r.usage.peakRss / MiB,
    target: 1,
    targetText: "≤ dist.",
  },
  ...CPU_ROWS,
  {
    metric: "CPU seconds used during the whole run",
    better: "lower",
    skiff: (r) => r.usage.cpuSeconds,
    distribution: (r) => r.usage.cpuSeconds,
  },
];

export function compare(results: { skiff?: TargetResult; distribution?: TargetResult }): ComparisonRow[] {
  return METRICS.map((m) => {
    const skiff = results.skiff ? m.skiff(results.skiff) : undefined;
    const distribution = results.distribution ? m.distribution(results.distribution) : undefined;
    const row: ComparisonRow = { metric: m.metric, skiff, distribution, better: m.better, target: m.target };
    if (m.targetText !== undefined) row.targetText = m.targetText;
    if (skiff !== undefined && distribution !== undefined && skiff > 0 && distribution > 0) {
      row.ratio = m.better === "higher" ? skiff / distribution : distribution / skiff;
      if (m.target !== undefined) row.met = row.ratio >= m.target;
    }
    return row;
  });
}

export function renderTable(rows: readonly ComparisonRow[]): string {
  // Latencies in ms and CPU per transfer in s are small numbers: two decimals.
  const digits = (metric: string): number => (/p99|CPU s of/.test(metric) ? 2 : 1);
  return markdownTable(
    ["metric", "Skiff", "distribution", "ratio (>1 = Skiff better)", "target", "met"],
    rows.map((r) => [
      r.metric,
      fmt(r.skiff, digits(r.metric)),
      fmt(r.distribution, digits(r.metric)),
      r.ratio === undefined ? "—" : `${r.ratio.toFixed(2)}×`,
      r.targetText ?? "",
      r.met === undefined ? "" : r.met ? "yes" : "NO",
    ]),
  );
}

/** Notes on results that are not what they seem: failed requests, a client that sets the pace. */
export function notes(
  results: readonly TargetResult[],
  hey: { requests: number; concurrency: number },
): string[] {
  // hey gives each of its c workers floor(n / c) requests.
  const sent = Math.floor(hey.requests / hey.concurrency) * hey.concurrency;
  const out: string[] = [];
  for (const r of results) {
    for (const step of TRANSFER_STEPS) {
      const runs = r.transfers[step];
      if (runs.length === 0) continue;
      const seconds = median(runs.map((t) => t.seconds));
      const client = median(runs.map((t) => t.clientCpuSeconds));
      const server = median(runs.map((t) => t.serverCpuSeconds));
      // A client busy for longer than the transfer lasted (more than a core) while the registry
      // idles most of it: a faster registry cannot make this transfer much faster.
      if (client >= seconds && server <= seconds / 2) {
        out.push(
          `${r.name} ${step}: the client is the bottleneck: ${client.toFixed(2)} s of client CPU per ` +
            `${seconds.toFixed(2)} s transfer, against ${server.toFixed(2)} s of the registry's (medians)`,
        );
      }
    }
    for (const [label, h] of [
      ["manifest GET", r.manifestGet],
      ["manifest GET (bearer)", r.manifestGetBearer],
    ] as const) {
      if (h === undefined) continue;
      const ok = h.statusCounts[200] ?? 0;
      if (ok !== sent || h.errors > 0) {
        out.push(
          `${r.name} ${label}: only ${ok} of ${sent} requests got 200 (${JSON.stringify(h.statusCounts)}, ${h.errors} errors)`,
        );
      }
    }
  }
  return out;
}
