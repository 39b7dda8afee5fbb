import { describe, expect, it } from "vitest";
import { QuietGc } from "./quiet-gc.js";

const MiB = 1024 * 1024;

/** `heap`: used sizes in MiB, or [used, committed] pairs (committed defaults to used). */
function setup(o: { busy: number[]; heap: (number | [number, number])[] }) {
  let collections = 0;
  const heap = o.heap.map((h) =>
    typeof h === "number"
      ? { used: h * MiB, committed: h * MiB }
      : { used: h[0] * MiB, committed: h[1] * MiB },
  );
  const busy = [...o.busy];
  const gc = new QuietGc({
    gc: () => void collections++,
    heap: () => heap.shift() ?? { used: 0, committed: 0 },
    utilization: () => busy.shift() ?? 0,
    growthBytes: 16 * MiB,
    quietUtilization: 0.05,
  });
  return { gc, collections: () => collections };
}

describe("QuietGc", () => {
  it("collects once the loop is quiet and the heap has grown past the threshold", () => {
    // baseline 40 MiB; then: busy and grown (no), quiet but small growth (no), quiet and grown (yes)
    const s = setup({ busy: [0.6, 0.01, 0.01], heap: [40, 50, 70, 42] });
    expect(s.gc.check()).toBe(false);
    expect(s.gc.check()).toBe(false);
    expect(s.gc.check()).toBe(true);
    expect(s.collections()).toBe(1);
  });

  it("measures growth from what the last collection left", () => {
    // baseline 40; collects at 60 (leaves 45); 58 is only 13 over 45: no second collection
    const s = setup({ busy: [0, 0], heap: [40, 60, 45, 58] });
    expect(s.gc.check()).toBe(true);
    expect(s.gc.check()).toBe(false);
    expect(s.collections()).toBe(1);
  });

  it("collects when the committed heap has grown though the used heap has not", () => {
    // baseline 30 used of 35 committed; a burst leaves 32 used of 70 committed: collect, leaving
    // 32 of 40; then 33 of 50 is only 10 over: no second collection
    const s = setup({
      busy: [0, 0],
      heap: [
        [30, 35],
        [32, 70],
        [32, 40],
        [33, 50],
      ],
    });
    expect(s.gc.check()).toBe(true);
    expect(s.gc.check()).toBe(false);
    expect(s.collections()).toBe(1);
  });

  it("does nothing without a gc function (no --expose-gc)", () => {
    const g = new QuietGc({
      gc: undefined,
      heap: () => ({ used: 500 * MiB, committed: 500 * MiB }),
      utilization: () => 0,
    });
    expect(g.check()).toBe(false);
  });
});
