import { describe, expect, it } from "vitest";
import { QuietGc } from "./quiet-gc.js";

const MiB = 1024 * 1024;

function setup(o: { busy: number[]; heap: number[] }) {
  let collections = 0;
  const heap = [...o.heap];
  const busy = [...o.busy];
  const gc = new QuietGc({
    gc: () => void collections++,
    heapUsed: () => heap.shift() ?? 0,
    utilization: () => busy.shift() ?? 0,
    growthBytes: 16 * MiB,
    quietUtilization: 0.05,
  });
  return { gc, collections: () => collections };
}

describe("QuietGc", () => {
  it("collects once the loop is quiet and the heap has grown past the threshold", () => {
    // baseline 40 MiB; then: busy and grown (no), quiet but small growth (no), quiet and grown (yes)
    const s = setup({ busy: [0.6, 0.01, 0.01], heap: [40 * MiB, 50 * MiB, 70 * MiB, 42 * MiB] });
    expect(s.gc.check()).toBe(false);
    expect(s.gc.check()).toBe(false);
    expect(s.gc.check()).toBe(true);
    expect(s.collections()).toBe(1);
  });

  it("measures growth from what the last collection left", () => {
    // baseline 40; collects at 60 (leaves 45); 58 is only 13 over 45: no second collection
    const s = setup({ busy: [0, 0], heap: [40 * MiB, 60 * MiB, 45 * MiB, 58 * MiB] });
    expect(s.gc.check()).toBe(true);
    expect(s.gc.check()).toBe(false);
    expect(s.collections()).toBe(1);
  });

  it("does nothing without a gc function (no --expose-gc)", () => {
    const g = new QuietGc({ gc: undefined, heapUsed: () => 500 * MiB, utilization: () => 0 });
    expect(g.check()).toBe(false);
  });
});
