import { describe, expect, it } from "vitest";
import { numberFlag } from "../bench/lib/flags.js";

describe("benchmark numeric flags", () => {
  it("reads whole numbers and, when allowed, fractions", () => {
    expect(numberFlag("runs", "5")).toBe(5);
    expect(numberFlag("size-mb", "0.5", { fraction: true, min: 0.01 })).toBe(0.5);
  });

  it("refuses what is not a number, a fraction where a whole number goes, or a value below the minimum", () => {
    expect(() => numberFlag("runs", "five")).toThrow('--runs takes a whole number ≥ 1, got "five"');
    expect(() => numberFlag("runs", "")).toThrow("--runs takes a whole number ≥ 1");
    expect(() => numberFlag("runs", undefined)).toThrow("--runs takes a whole number ≥ 1, got undefined");
    expect(() => numberFlag("runs", "2.5")).toThrow("--runs takes a whole number ≥ 1");
    expect(() => numberFlag("curl-pull-passes", "0")).toThrow("--curl-pull-passes takes a whole number ≥ 1");
    expect(() => numberFlag("size-mb", "Infinity", { fraction: true })).toThrow(
      "--size-mb takes a number ≥ 1",
    );
  });
});
