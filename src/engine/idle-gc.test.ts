import { afterEach, describe, expect, it, vi } from "vitest";
import { IdleCollector } from "./idle-gc.js";

describe("IdleCollector", () => {
  afterEach(() => vi.useRealTimers());

  it("collects once, after the last activity has been quiet long enough", () => {
    vi.useFakeTimers();
    const gc = vi.fn();
    const idle = new IdleCollector({ quietMs: 1000, gc });
    idle.touch();
    vi.advanceTimersByTime(600);
    idle.touch();
    vi.advanceTimersByTime(600);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(gc).toHaveBeenCalledTimes(1);
    idle.touch();
    idle.stop();
    vi.advanceTimersByTime(5000);
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it("does nothing without a collector", () => {
    expect(() => new IdleCollector({ gc: undefined }).touch()).not.toThrow();
  });
});
