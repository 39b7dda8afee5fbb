import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.js";

const overflow = () => new Error("too far behind");

describe("EventQueue", () => {
  it("yields what was pushed, then ends", async () => {
    const q = new EventQueue<number>({ limit: 10, overflow });
    q.push(1);
    q.push(2);
    q.end();
    q.push(3);
    const got: number[] = [];
    for await (const n of q) got.push(n);
    expect(got).toEqual([1, 2]);
  });

  it("ends a reader that fell behind the limit with the overflow error, without blocking pushes", async () => {
    let ended = 0;
    const q = new EventQueue<number>({ limit: 3, overflow, onEnd: () => ended++ });
    for (let i = 0; i < 100; i++) q.push(i);
    expect(ended).toBe(1);
    const it = q[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow("too far behind");
  });

  it("runs onEnd once when the reader leaves its loop", async () => {
    let ended = 0;
    const q = new EventQueue<number>({ limit: 10, overflow });
    q.onEnd(() => ended++);
    q.push(1);
    q.push(2);
    for await (const n of q) if (n === 1) break;
    expect(ended).toBe(1);
    q.end();
    expect(ended).toBe(1);
    q.onEnd(() => ended++);
    expect(ended).toBe(2);
  });
});
