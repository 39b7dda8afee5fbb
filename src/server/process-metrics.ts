// The process metrics of every Skiff server (Prometheus' process_* and nodejs_* families):
// prom-client's default set without nodejs_gc_duration_seconds. That one observes every
// garbage collection through perf_hooks, and on Node 20 each observed collection builds an
// entry with two deprecated getters (util.deprecate: a new function and hidden class each,
// straight into the old generation). Under 32 concurrent manifest GETs, a young collection
// every ~14 ms, that alone grew the registry's old generation by ~2.5 MiB before a full GC.
import { createRequire } from "node:module";
import { collectDefaultMetrics, type Registry } from "prom-client";

type DefaultMetric = (
  registry: Registry,
  config: { prefix: string; eventLoopMonitoringPrecision: number },
) => void;

const load = createRequire(import.meta.url);

/** Registers the process metrics on `registry`, each name prefixed with `prefix`. */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  // The modules under prom-client/lib/metrics that collectDefaultMetrics would register.
  for (const name of collectDefaultMetrics.metricsList.filter((m) => m !== "gc")) {
    const register = load(`prom-client/lib/metrics/${name}`) as DefaultMetric;
    // The precision (ms) of the event loop delay histogram; collectDefaultMetrics' default.
    register(registry, { prefix, eventLoopMonitoringPrecision: 10 });
  }
}
