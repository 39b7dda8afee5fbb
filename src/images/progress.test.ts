import { describe, expect, it } from "vitest";
import { humanSize, progressBar } from "./progress.js";

describe("progress", () => {
  it("sizes like Docker's HumanSize", () => {
    expect(humanSize(0)).toBe("0B");
    expect(humanSize(999)).toBe("999B");
    expect(humanSize(1234)).toBe("1.234kB");
    expect(humanSize(2_500_000)).toBe("2.5MB");
  });

  it("draws Docker's bar", () => {
    expect(progressBar(50, 100)).toBe(`[${"=".repeat(24)}>${" ".repeat(25)}]      50B/100B`);
    expect(progressBar(100, 100)).toBe(`[${"=".repeat(50)}]     100B/100B`);
  });
});
