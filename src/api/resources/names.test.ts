// Name syntax checks and Go value printing, word for word as apimachinery's.

import { describe, expect, it } from "vitest";
import { goLabelSelector, goValue } from "./go-format.js";
import { isConfigMapKey, isDNS1035Label, isQualifiedName, isValidLabelValue } from "./names.js";
import { parseQuantity } from "./quantity.js";

describe("names", () => {
  it("checks qualified names with a prefix", () => {
    expect(isQualifiedName("example.com/app")).toEqual([]);
    expect(isQualifiedName("/app")).toEqual(["prefix part must be non-empty"]);
    expect(isQualifiedName("Example.com/app")[0]).toMatch(
      /^prefix part a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(isQualifiedName("a/b/c")[0]).toMatch(
      /with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/,
    );
    expect(isQualifiedName(`${"a".repeat(64)}`)).toEqual(["name part must be no more than 63 characters"]);
  });

  it("allows empty label values but not leading dashes", () => {
    expect(isValidLabelValue("")).toEqual([]);
    expect(isValidLabelValue("v1.2_3")).toEqual([]);
    expect(isValidLabelValue("-x")).toHaveLength(1);
  });

  it("rejects dot keys in ConfigMaps", () => {
    expect(isConfigMapKey(".")).toEqual(["must not be '.'"]);
    expect(isConfigMapKey("..a")).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey(".env")).toEqual([]);
  });

  it("names services as DNS-1035 labels", () => {
    expect(isDNS1035Label("1web")).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });
});

describe("Go values in messages", () => {
  it("prints values as fmt does", () => {
    expect(goValue("x")).toBe('"x"');
    expect(goValue(3)).toBe("3");
    expect(goValue(null)).toBe("null");
    expect(goValue(["a", "b"])).toBe('[]string{"a", "b"}');
    expect(goValue({ b: "2", a: "1" })).toBe('map[string]string{"a":"1", "b":"2"}');
    expect(goLabelSelector({ matchExpressions: [{ key: "k", operator: "In", values: ["v"] }] })).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"v"}}}}',
    );
  });
});

describe("quantities", () => {
  it.each([
    ["500m", 0.5],
    ["1Gi", 2 ** 30],
    ["1.5k", 1500],
    ["2e3", 2000],
    [4, 4],
  ])("%s is %d", (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n);
  });

  it.each(["lots", "1GB", "", "1.2.3"])("%s is not a quantity", (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});
