// The orchestration benchmark's results: samples (ms) or errors per measure and orchestrator,
// recorded as the steps run (a failed step is kept as its error and the run goes on), and the
// Markdown table of medians, p99s and Skiff/Swarm ratios against the issue's targets.
import type { MemoryReport, OrchName } from "./orch-target.js";
import { median, quantile } from "./stats.js";
import { fmt, markdownTable } from "./table.js";

/** A column of the table: Skiff, Swarm, or Swarm run another way ("swarm-delay0"). */
export type Column = OrchName | "swarm-delay0";

export interface Samples {
  ms: number[];
  errors: string[];
}

export type Measure = "start1" | "paced" | "startMany" | "podSlo" | "kill" | "delete" | "scale" | "update";

export class OrchResults {
  readonly samples: Partial<Record<Measure, Partial<Record<Column, Samples>>>> = {};
  readonly memory: Partial<Record<OrchName, MemoryReport>> = {};
  /** Failed steps that measure nothing (setup, clean-up), per column. */
  readonly choreErrors: Partial<Record<Column, string[]>> = {};
  readonly #log: (msg: string) => void;

  constructor(o: { log: (msg: string) => void }) {
    this.#log = o.log;
  }

  /** Runs `step`; its ms (one number or several) become samples, a failure an error. */
  async record(measure: Measure, column: Column, step: () => Promise<number | number[]>): Promise<void> {
    const s = ((this.samples[measure] ??= {})[column] ??= { ms: [], errors: [] });
    try {
      const ms = await step();
      s.ms.push(...(Array.isArray(ms) ? ms : [ms]));
      this.#log(
        `${measure} ${column}: ${Array.isArray(ms) ? `${ms.length} samples, p50 ${fmt(median(ms), 0)}` : fmt(ms, 0)} ms`,
      );
    } catch (err) {
      const msg = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
      s.errors.push(msg);
      this.#log(`${measure} ${column}: FAILED: ${msg}`);
    }
  }

  /** Adds samples measured within another step (a step that yields two measures). */
  add(measure: Measure, column: Column, ms: number[]): void {
    ((this.samples[measure] ??= {})[column] ??= { ms: [], errors: [] }).ms.push(...ms);
    this.#log(`${measure} ${column}: ${ms.length} samples, p50 ${fmt(median(ms), 0)} ms`);
  }

  /** Runs a step that measures nothing (setup, clean-up); a failure is logged and kept. */
  async chore(what: string, column: Column, step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (err) {
      const msg = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
      (this.choreErrors[column] ??= []).push(`${what}: ${msg}`);
      this.#log(`${column}: ${what} FAILED: ${msg}`);
      return false;
    }
  }

  get(measure: Measure, column: Column): Samples | undefined {
    return this.samples[measure]?.[column];
  }
}

interface Row {
  label: string;
  measure: Measure;
  stat: (ms: number[]) => number;
  swarm: Column;
  unit: "ms" | "s";
  target: string;
}

const p50 = (ms: number[]): number => median(ms);
const p99 = (ms: number[]): number => quantile(ms, 0.99);

/** What the table is about: pods in the many-pods steps, and the pace of the paced one. */
export interface TableShape {
  many: number;
  perSecond: number;
}

function rows({ many, perSecond }: TableShape): Row[] {
  const r = (label: string, measure: Measure, stat: Row["stat"], o: Partial<Row> = {}): Row => ({
    label,
    measure,
    stat,
    swarm: "swarm",
    unit: "ms",
    target: "",
    ...o,
  });
  return [
    // Pod startup as Kubernetes' SLO: the pod's creation → all its containers running on a watch.
    r("pod startup, 1 pod, p50 (ms)", "start1", p50),
    r("pod startup, 1 pod, p99 (ms)", "start1", p99, { target: "< 1000 ms" }),
    r(`pod startup, ${many} pods at ${perSecond}/s, p50 (ms)`, "paced", p50),
    r(`pod startup, ${many} pods at ${perSecond}/s, p99 (ms)`, "paced", p99, { target: "< 1000 ms" }),
    r(`pod startup, ${many} pods at once, p50 (ms)`, "podSlo", p50),
    r(`pod startup, ${many} pods at once, p99 (ms)`, "podSlo", p99),
    r(`${many} replicas: workload create → each running, p50 (ms)`, "startMany", p50),
    r(`${many} replicas: workload create → each running, p99 (ms)`, "startMany", p99),
    r("kill -9 → running again, median (ms), Swarm default delay", "kill", p50, { target: "< 500 ms" }),
    r("kill -9 → running again, median (ms), Swarm --restart-delay 0s", "kill", p50, {
      swarm: "swarm-delay0",
      target: "< 500 ms",
    }),
    r("delete → replacement running, median (ms), Swarm default delay", "delete", p50, {
      target: "< 1000 ms",
    }),
    r("delete → replacement running, median (ms), Swarm --restart-delay 0s", "delete", p50, {
      swarm: "swarm-delay0",
      target: "< 1000 ms",
    }),
    r("scale 3 → 30 until all run, median (s)", "scale", p50, { unit: "s", target: "≤ 0.5× Swarm" }),
    r("rolling update, 3 replicas, median (s)", "update", p50, { unit: "s", target: "≤ 0.5× Swarm" }),
  ];
}

function cell(
  s: Samples | undefined,
  stat: Row["stat"],
  unit: Row["unit"],
): { text: string; value?: number } {
  if (s === undefined) return { text: "–" };
  if (s.ms.length === 0) return { text: s.errors.length > 0 ? "failed" : "–" };
  const value = stat(s.ms) / (unit === "s" ? 1000 : 1);
  const failed = s.errors.length > 0 ? ` (${s.errors.length} failed)` : "";
  return { text: `${fmt(value, unit === "s" ? 2 : 0)}${failed}`, value };
}

export function resultsTable(results: OrchResults, shape: TableShape): string {
  const { many } = shape;
  const body = rows(shape).map((row) => {
    const skiff = cell(results.get(row.measure, "skiff"), row.stat, row.unit);
    const swarm = cell(results.get(row.measure, row.swarm), row.stat, row.unit);
    const ratio =
      skiff.value !== undefined && swarm.value !== undefined ? `${fmt(skiff.value / swarm.value, 2)}×` : "–";
    return [row.label, skiff.text, swarm.text, ratio, row.target];
  });
  const mem = (n: OrchName, k: "serverMiB" | "helpersMiB") => results.memory[n]?.[k];
  const memRatio = (k: "serverMiB" | "helpersMiB") => {
    const a = mem("skiff", k);
    const b = mem("swarm", k);
    return a !== undefined && b !== undefined ? `${fmt(a / b, 2)}×` : "–";
  };
  body.push(
    [
      `server memory with ${many} pods (MiB): skiff server / dockerd+containerd`,
      fmt(mem("skiff", "serverMiB")),
      fmt(mem("swarm", "serverMiB")),
      memRatio("serverMiB"),
      "< 200 MB",
    ],
    [
      `per-container helpers (MiB): conmon / containerd-shim`,
      fmt(mem("skiff", "helpersMiB")),
      fmt(mem("swarm", "helpersMiB")),
      memRatio("helpersMiB"),
      "",
    ],
  );
  return markdownTable(["measure", "Skiff", "Swarm", "Skiff/Swarm", "target"], body);
}

/** Every error recorded, one line each, for under the table. */
export function errorLines(results: OrchResults): string[] {
  const lines: string[] = [];
  for (const [measure, byColumn] of Object.entries(results.samples)) {
    for (const [column, s] of Object.entries(byColumn)) {
      for (const e of new Set(s.errors)) lines.push(`- ${measure} / ${column}: ${e}`);
    }
  }
  for (const [column, errors] of Object.entries(results.choreErrors)) {
    for (const e of errors) lines.push(`- ${column}: ${e}`);
  }
  return lines;
}
