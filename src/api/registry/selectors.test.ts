import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import {
  labelSelectorFromObject,
  labelSelectorToString,
  parseFieldSelector,
  parseLabelSelector,
} from "./selectors.js";

describe("label selectors", () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ["app=web", { app: "web" }, true],
    ["app==web", { app: "web" }, true],
    ["app=web", { app: "db" }, false],
    ["app!=web", {}, true],
    ["app!=web", { app: "web" }, false],
    ["app in (web, db)", { app: "db" }, true],
    ["app notin (web,db)", { app: "db" }, false],
    ["app notin (web,db)", {}, true],
    ["app", { app: "" }, true],
    ["!app", { app: "x" }, false],
    ["app=web,tier in (fe),!legacy", { app: "web", tier: "fe" }, true],
    ["app=web,tier in (fe),!legacy", { app: "web", tier: "fe", legacy: "1" }, false],
    ["example.com/role=a", { "example.com/role": "a" }, true],
    ["n>3", { n: "5" }, true],
    ["", { anything: "x" }, true],
  ];
  it.each(cases)("%s on %j → %s", (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it("rejects bad syntax with BadRequest", () => {
    for (const bad of ["a b", "app=we b", "=x", "a in x"]) {
      expect(() => parseLabelSelector(bad), bad).toThrow(ApiError);
    }
  });

  it("turns LabelSelector objects into selectors (nil selects nothing, {} everything)", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["b", "a"] },
        { key: "old", operator: "DoesNotExist" },
      ],
    });
    expect(sel.matches({ app: "web", tier: "a" })).toBe(true);
    expect(sel.matches({ app: "web", tier: "c" })).toBe(false);
    expect(sel.toString()).toBe("app=web,tier in (a,b),!old");
    expect(labelSelectorFromObject(undefined).matches({})).toBe(false);
    expect(labelSelectorFromObject({}).matches({ x: "y" })).toBe(true);
    expect(labelSelectorToString({ matchLabels: { app: "web" } })).toBe("app=web");
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Near" }] })).toThrow(
      ApiError,
    );
  });
});

describe("field selectors", () => {
  const allowed = new Set(["metadata.name", "metadata.namespace", "status.phase"]);
  const fields: Record<string, string> = { "metadata.name": "web", "status.phase": "Running" };
  const get = (f: string): string | undefined => fields[f];

  it("matches =, == and != (missing fields read as empty)", () => {
    expect(parseFieldSelector("metadata.name=web", allowed).matches(get)).toBe(true);
    expect(parseFieldSelector("metadata.name==web,status.phase!=Pending", allowed).matches(get)).toBe(true);
    expect(parseFieldSelector("status.phase=Pending", allowed).matches(get)).toBe(false);
    expect(parseFieldSelector("metadata.namespace=", allowed).matches(get)).toBe(true);
    expect(parseFieldSelector("metadata.name=a\\,b", allowed).requirements[0]?.value).toBe("a,b");
  });

  it("rejects unsupported field labels in Kubernetes' words", () => {
    expect(() => parseFieldSelector("spec.foo=x", allowed)).toThrow("field label not supported: spec.foo");
  });
});
