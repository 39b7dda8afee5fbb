import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("KeyedMutex", () => {
  it("runs holders of one key one at a time, in order", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const job = (name: string) =>
      mutex.run("k", async () => {
        events.push(`${name}+`);
        await tick();
        events.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([job("a"), job("b"), job("c")]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"]);
    expect(mutex.size).toBe(0);
  });

  it("runs different keys concurrently", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const job = (key: string) =>
      mutex.run(key, async () => {
        events.push(`${key}+`);
        await tick();
        events.push(`${key}-`);
      });
    await Promise.all([job("x"), job("y")]);
    expect(events).toEqual(["x+", "y+", "x-", "y-"]);
  });

  it("releases the key when the holder throws", async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run("k", async () => {
      await tick();
      throw new Error("boom");
    });
    const next = mutex.run("k", () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
    expect(mutex.size).toBe(0);
  });
});
