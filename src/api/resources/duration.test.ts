import { describe, expect, it } from "vitest";
import { ageSince, humanDuration } from "./duration.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration", () => {
  it.each([
    [-3 * s, "<invalid>"],
    [-1 * s, "0s"],
    [0, "0s"],
    [45 * s, "45s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [5 * m + 3 * s, "5m3s"],
    [12 * m + 30 * s, "12m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [3 * h + 4 * m, "3h4m"],
    [20 * h + 59 * m, "20h"],
    [47 * h, "47h"],
    [3 * d + 4 * h, "3d4h"],
    [3 * d, "3d"],
    [40 * d, "40d"],
    [729 * d, "729d"],
    [2 * 365 * d + 10 * d, "2y10d"],
    [9 * 365 * d, "9y"],
  ])("%d ms is %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it("answers <unknown> without a timestamp", () => {
    expect(ageSince(undefined, new Date())).toBe("<unknown>");
    expect(ageSince("2026-01-01T00:00:00Z", new Date("2026-01-01T00:05:03Z"))).toBe("5m3s");
  });
});
