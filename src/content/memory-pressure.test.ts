import { afterEach, describe, expect, it } from "vitest";
import { noteServedBytes, noteStreamedBytes } from "./memory-pressure.js";

const MiB = 1024 * 1024;

describe("memory pressure", () => {
  const g = globalThis as { gc?: unknown };
  const saved = g.gc;
  afterEach(() => {
    g.gc = saved;
  });

  it("asks for a minor collection every 2 MiB received, a major one every 256 MiB received or 1 GiB served", () => {
    const calls: string[] = [];
    g.gc = (o: { type: string; execution: string }) => {
      calls.push(`${o.type}/${o.execution}`);
      return o.execution === "async" ? Promise.resolve() : undefined;
    };
    noteServedBytes(1024 * MiB); // settle the major counter wherever earlier tests left it
    calls.length = 0;
    for (let i = 0; i < 4; i++) noteStreamedBytes(MiB);
    expect(calls).toEqual(["minor/sync", "minor/sync"]);
    noteStreamedBytes(252 * MiB - 4);
    expect(calls).toEqual(["minor/sync", "minor/sync", "minor/sync"]);
    noteServedBytes(16);
    expect(calls.at(-1)).toBe("major/async");
    calls.length = 0;
    noteServedBytes(1024 * MiB - 4);
    expect(calls).toEqual([]);
    noteServedBytes(4);
    expect(calls).toEqual(["major/async"]);
  });

  it("does nothing without --expose-gc", () => {
    g.gc = undefined;
    expect(() => {
      noteStreamedBytes(100 * MiB);
      noteServedBytes(100 * MiB);
    }).not.toThrow();
  });
});
