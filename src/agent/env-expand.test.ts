import { describe, expect, it } from "vitest";
import { expand, lookupIn } from "./env-expand.js";

const vars = lookupIn(
  new Map([
    ["VAR_A", "A"],
    ["VAR_B", "B"],
    ["EMPTY", ""],
  ]),
);

describe("expand ($(VAR) as Kubernetes does it)", () => {
  it.each([
    ["$(VAR_A)", "A"],
    ["___$(VAR_B)___", "___B___"],
    ["$(VAR_A)-$(VAR_B)", "A-B"],
    ["$(EMPTY)x", "x"],
    ["$(UNDEFINED)", "$(UNDEFINED)"],
    ["$$(VAR_A)", "$(VAR_A)"],
    ["$$$(VAR_A)", "$A"],
    ["$$", "$"],
    ["$", "$"],
    ["a$", "a$"],
    ["$VAR_A", "$VAR_A"],
    ["$(VAR_A", "$(VAR_A"],
    ["$()", "$()"],
    ["plain", "plain"],
    ["$(VAR_A)$(VAR_A)", "AA"],
  ])("%s → %s", (input, want) => {
    expect(expand(input, vars)).toBe(want);
  });
});
