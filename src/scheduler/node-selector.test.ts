import { describe, expect, it } from "vitest";
import { anyTermMatches, selectorMatches, termMatches } from "./node-selector.js";

const labels = { zone: "a", size: "10", gpu: "" };
const expr = (key: string, operator: string, values?: string[]) => ({
  matchExpressions: [{ key, operator, ...(values && { values }) }],
});

describe("node selector terms", () => {
  it.each([
    ["In", "zone", ["a", "b"], true],
    ["In", "zone", ["b"], false],
    ["In", "missing", ["a"], false],
    ["NotIn", "zone", ["b"], true],
    ["NotIn", "zone", ["a"], false],
    ["NotIn", "missing", ["a"], true],
    ["Exists", "gpu", undefined, true],
    ["Exists", "missing", undefined, false],
    ["DoesNotExist", "missing", undefined, true],
    ["DoesNotExist", "zone", undefined, false],
    ["Gt", "size", ["9"], true],
    ["Gt", "size", ["10"], false],
    ["Lt", "size", ["11"], true],
    ["Lt", "zone", ["11"], false],
    ["Gt", "missing", ["1"], false],
  ] as const)("%s %s %j → %s", (op, key, values, want) => {
    expect(termMatches(expr(key, op, values ? [...values] : undefined), labels, "n1")).toBe(want);
  });

  it("treats invalid requirements and empty terms as matching nothing", () => {
    expect(termMatches(expr("zone", "In", []), labels, "n1")).toBe(false);
    expect(termMatches(expr("zone", "Exists", ["a"]), labels, "n1")).toBe(false);
    expect(termMatches(expr("size", "Gt", ["x"]), labels, "n1")).toBe(false);
    expect(termMatches(expr("zone", "Bogus", ["a"]), labels, "n1")).toBe(false);
    expect(termMatches({}, labels, "n1")).toBe(false);
    expect(anyTermMatches([], labels, "n1")).toBe(false);
  });

  it("matches metadata.name fields, ANDs inside a term and ORs the terms", () => {
    const byName = { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] };
    expect(termMatches(byName, labels, "n1")).toBe(true);
    expect(termMatches(byName, labels, "n2")).toBe(false);
    const both = { ...expr("zone", "In", ["b"]), ...byName };
    expect(termMatches(both, labels, "n1")).toBe(false);
    expect(anyTermMatches([both, expr("zone", "In", ["a"])], labels, "n1")).toBe(true);
  });

  it("nodeSelector needs every pair", () => {
    expect(selectorMatches({ zone: "a" }, labels)).toBe(true);
    expect(selectorMatches({ zone: "a", size: "9" }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });
});
