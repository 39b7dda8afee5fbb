import { Registry, collectDefaultMetrics } from "prom-client";
import { describe, expect, it } from "vitest";
import { collectProcessMetrics } from "./process-metrics.js";

const names = async (registry: Registry): Promise<string[]> =>
  (await registry.getMetricsAsJSON()).map((m) => m.name).sort();

describe("collectProcessMetrics", () => {
  it("registers prom-client's default metrics, prefixed, except the GC duration histogram", async () => {
    const ours = new Registry();
    collectProcessMetrics(ours, "skiff_");
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults, prefix: "skiff_" });
    const expected = (await names(defaults)).filter((n) => n !== "skiff_nodejs_gc_duration_seconds");
    expect(expected).toContain("skiff_process_resident_memory_bytes");
    expect(await names(ours)).toEqual(expected);
    const text = await ours.metrics();
    expect(text).toMatch(/^skiff_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^skiff_nodejs_heap_space_size_total_bytes\{space="old"\} \d/m);
  });
});
