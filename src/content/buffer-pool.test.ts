import { describe, expect, it } from "vitest";
import { BufferPool } from "./buffer-pool.js";

describe("BufferPool", () => {
  it("hands back the buffers it was given, up to `keep`", () => {
    const pool = new BufferPool({ size: 16, keep: 1 });
    const a = pool.take();
    const b = pool.take();
    expect(a.length).toBe(16);
    expect(a).not.toBe(b);
    pool.give(a);
    pool.give(b); // beyond keep: left to the GC
    expect(pool.freeCount).toBe(1);
    expect(pool.take()).toBe(a);
    expect(pool.freeCount).toBe(0);
  });

  it("ignores buffers of another size", () => {
    const pool = new BufferPool({ size: 16, keep: 4 });
    pool.give(Buffer.alloc(8));
    expect(pool.freeCount).toBe(0);
  });
});
