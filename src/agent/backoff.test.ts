import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

const at = (s: number) => new Date(s * 1000);

describe("Backoff", () => {
  it("lets the first retry run at once, then waits 10 s doubling to 300 s", () => {
    const b = new Backoff();
    expect(b.remaining("c", at(0), at(0))).toBe(0);
    b.next("c", at(0));
    expect(b.remaining("c", at(1), at(1))).toBe(10_000);
    expect(b.remaining("c", at(1), at(6))).toBe(5_000);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next("c", at(100 + i));
      waits.push(b.current("c"));
    }
    expect(waits).toEqual([20, 40, 80, 160, 300, 300, 300, 300].map((s) => s * 1000));
  });

  it("starts over after 10 minutes without a retry", () => {
    const b = new Backoff();
    b.next("c", at(0));
    b.next("c", at(1));
    expect(b.current("c")).toBe(20_000);
    expect(b.remaining("c", at(602), at(602))).toBe(0);
    b.next("c", at(602));
    expect(b.current("c")).toBe(10_000);
  });

  it("forgets a pod's keys by prefix", () => {
    const b = new Backoff();
    b.next("uid1/a", at(0));
    b.next("uid2/a", at(0));
    b.forgetPrefix("uid1/");
    expect(b.current("uid1/a")).toBe(0);
    expect(b.current("uid2/a")).toBe(10_000);
  });
});
