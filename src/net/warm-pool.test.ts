import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { WarmPool } from "./warm-pool.js";

const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pool(o: { size: number; idleMs?: number; fail?: () => boolean }) {
  let made = 0;
  const released: number[] = [];
  const p = new WarmPool<number>({
    size: o.size,
    idleMs: o.idleMs ?? 5,
    make: async () => {
      await sleep(1);
      if (o.fail?.() === true) throw new Error("no");
      return ++made;
    },
    release: async (n) => {
      released.push(n);
    },
    logger,
  });
  return { p, released, made: () => made };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(5);
  expect(cond()).toBe(true);
}

describe("WarmPool", () => {
  it("fills to its size once scheduled, and refills after a take", async () => {
    const { p, made } = pool({ size: 2 });
    expect(p.take()).toBeUndefined(); // empty: the caller does the work
    await until(() => p.ready === 2);
    expect(p.take()).toBe(1);
    await until(() => p.ready === 2);
    expect(made()).toBe(3);
    await p.close();
  });

  it("does not refill while a hold is in flight", async () => {
    const { p } = pool({ size: 1 });
    let finish: () => void = () => undefined;
    p.hold(new Promise<void>((r) => (finish = r)));
    p.schedule();
    await sleep(40);
    expect(p.ready).toBe(0);
    finish();
    await until(() => p.ready === 1);
    await p.close();
  });

  it("gives a returned item out again and releases what is left on close", async () => {
    const { p, released } = pool({ size: 1 });
    p.schedule();
    await until(() => p.ready === 1);
    const item = p.take();
    expect(item).toBe(1);
    p.giveBack(1);
    expect(p.take()).toBe(1);
    p.giveBack(1);
    await p.close();
    expect(released).toContain(1);
    expect(p.ready).toBe(0);
    p.giveBack(5); // after close: released at once
    await sleep(5);
    expect(released).toContain(5);
  });

  it("keeps working after a failed make (backs off, then succeeds)", async () => {
    let fails = 1;
    const { p } = pool({ size: 1, fail: () => fails-- > 0 });
    p.schedule();
    await sleep(50);
    expect(p.ready).toBe(0);
    await until(() => p.ready === 1); // after the 1 s back-off
    await p.close();
  }, 10_000);

  it("size 0 never makes anything", async () => {
    const { p, made } = pool({ size: 0 });
    expect(p.take()).toBeUndefined();
    await sleep(30);
    expect(made()).toBe(0);
    await p.close();
  });
});
