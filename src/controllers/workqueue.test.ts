import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import { logger } from "./controllers.test-util.js";
import { WorkQueue } from "./workqueue.js";

function tick(ms = 5): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe("WorkQueue", () => {
  it("runs a key queued twice before it is taken once", async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    q.add("a");
    q.add("a");
    q.add("b");
    const abort = new AbortController();
    const run = q.run(async (k) => void seen.push(k), { workers: 2, signal: abort.signal, logger });
    await tick(20);
    abort.abort();
    await run;
    expect(seen.sort()).toEqual(["a", "b"]);
  });

  it("never syncs one key in two workers at once, and re-runs a key added while running", async () => {
    const q = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release: () => void = () => {};
    const abort = new AbortController();
    const run = q.run(
      async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      { workers: 4, signal: abort.signal, logger },
    );
    q.add("k");
    await tick();
    q.add("k");
    q.add("k");
    await tick();
    expect(runs).toBe(1);
    release();
    await tick(20);
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    abort.abort();
    await run;
  });

  it("backs off failing keys exponentially and forgets on success", async () => {
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 40 });
    const times: number[] = [];
    const abort = new AbortController();
    const run = q.run(
      async () => {
        times.push(Date.now());
        if (times.length < 4) throw new Error("boom");
      },
      { workers: 1, signal: abort.signal, logger },
    );
    q.add("k");
    for (let i = 0; i < 100 && times.length < 4; i++) await tick(5);
    expect(times).toHaveLength(4);
    expect(q.failures("k")).toBe(0);
    // 5, 10, 20 ms between attempts
    expect((times[3] as number) - (times[0] as number)).toBeGreaterThanOrEqual(30);
    abort.abort();
    await run;
  });

  it("caps the back-off at maxDelayMs", () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 20, clock });
    for (let i = 0; i < 10; i++) q.addRateLimited("k");
    expect(q.failures("k")).toBe(10);
  });

  it("addAfter follows the injected clock and keeps the earliest deadline", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("k", 1000);
    q.addAfter("k", 500);
    q.addAfter("k", 2000);
    expect(q.length).toBe(0);
    clock.advance(499);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("stops its workers when the signal aborts", async () => {
    const q = new WorkQueue();
    const abort = new AbortController();
    const run = q.run(async () => {}, { workers: 3, signal: abort.signal, logger });
    abort.abort();
    await run;
    q.add("late");
    expect(q.length).toBe(0);
  });
});
