import { describe, expect, it } from "vitest";
import { deploymentSchema } from "./fixtures.js";
import { dropAppliedNulls, ssaMerge } from "./ssa-merge.js";
import type { PatchSchema } from "./schema.js";

const keyed: PatchSchema = {
  items: { fields: { name: { scalar: "string" }, v: { scalar: "integer" } } },
  listType: "map",
  listMapKeys: ["name"],
};
const set: PatchSchema = { items: { scalar: "string" }, listType: "set" };
const names = (l: unknown) => (l as { name: string }[]).map((x) => x.name).join("");
const item = (name: string, v?: number) => (v === undefined ? { name } : { name, v });

describe("ssaMerge", () => {
  it("lets the applied value win for leaves and keeps live-only keys", () => {
    expect(ssaMerge({ a: 1, b: { c: 1, d: 2 } }, { a: 2, b: { c: 3 } }, {})).toEqual({
      a: 2,
      b: { c: 3, d: 2 },
    });
  });

  it("replaces atomic values and lists without a list type", () => {
    const live = { spec: { selector: { matchLabels: { a: "1", b: "2" } } }, x: [1, 2] };
    expect(
      ssaMerge(live, { spec: { selector: { matchLabels: { c: "3" } } }, x: [3] }, deploymentSchema),
    ).toEqual({
      spec: { selector: { matchLabels: { c: "3" } } },
      x: [3],
    });
  });

  it.each([
    // [live, applied, merged order] — structured-merge-diff's ordering of map lists
    ["ab", "ab", "ab"],
    ["ab", "ba", "ba"],
    ["abc", "b", "abc"],
    ["ab", "cb", "acb"],
    ["abc", "ca", "bca"],
    ["", "ab", "ab"],
    ["ab", "", "ab"],
    ["abcd", "db", "acdb"],
  ])("orders map list items: live %s + applied %s = %s", (live, applied, want) => {
    const out = ssaMerge(
      [...live].map((n) => item(n)),
      [...applied].map((n) => item(n)),
      keyed,
    );
    expect(names(out)).toBe(want);
  });

  it("merges the items that share a key", () => {
    expect(ssaMerge([item("a", 1), { name: "b", v: 1, x: 1 }], [{ name: "b", v: 2 }], keyed)).toEqual([
      item("a", 1),
      { name: "b", v: 2, x: 1 },
    ]);
  });

  it("unions sets", () => {
    expect(ssaMerge(["a", "b"], ["c", "a"], set)).toEqual(["c", "a", "b"]);
  });

  it("does not change its inputs", () => {
    const live = { a: { b: [item("x", 1)] } };
    const applied = { a: { b: [item("x", 2)] } };
    ssaMerge(live, applied, { fields: { a: { fields: { b: keyed } } } });
    expect(live).toEqual({ a: { b: [item("x", 1)] } });
  });
});

describe("dropAppliedNulls", () => {
  it("drops what the configuration set to null, at any depth", () => {
    expect(dropAppliedNulls({ a: null, b: { c: null, d: 1 }, e: null }, { a: null, b: { c: null } })).toEqual(
      { b: { d: 1 }, e: null },
    );
  });
});
