import { describe, expect, it } from "vitest";
import {
  DEFAULT_TAG_MUTABILITY,
  type TagMutability,
  isTagMutable,
  validateTagMutability,
  wildcardMatch,
  type TagMutabilitySettings,
} from "./tag-mutability.js";

const settings = (
  tagMutability: TagMutability,
  ...mutabilityExclusions: string[]
): TagMutabilitySettings => ({
  tagMutability,
  mutabilityExclusions,
});

describe("isTagMutable", () => {
  it("lets every tag move by default", () => {
    expect(DEFAULT_TAG_MUTABILITY).toEqual({ tagMutability: "MUTABLE", mutabilityExclusions: [] });
    expect(isTagMutable(DEFAULT_TAG_MUTABILITY, "latest")).toBe(true);
  });

  it("MUTABLE and IMMUTABLE apply to every tag", () => {
    expect(isTagMutable(settings("MUTABLE"), "v1")).toBe(true);
    expect(isTagMutable(settings("IMMUTABLE"), "v1")).toBe(false);
    expect(isTagMutable(settings("IMMUTABLE"), "latest")).toBe(false);
  });

  it("IMMUTABLE_WITH_EXCLUSION lets only excluded tags move", () => {
    const rule = settings("IMMUTABLE_WITH_EXCLUSION", "latest", "dev-*");
    expect(isTagMutable(rule, "latest")).toBe(true);
    expect(isTagMutable(rule, "dev-1234")).toBe(true);
    expect(isTagMutable(rule, "dev-")).toBe(true);
    expect(isTagMutable(rule, "v1.0")).toBe(false);
    expect(isTagMutable(rule, "latest-1")).toBe(false);
    expect(isTagMutable(rule, "my-dev-1")).toBe(false);
  });

  it("MUTABLE_WITH_EXCLUSION freezes only excluded tags", () => {
    const rule = settings("MUTABLE_WITH_EXCLUSION", "v*.*.*", "release");
    expect(isTagMutable(rule, "v1.2.3")).toBe(false);
    expect(isTagMutable(rule, "release")).toBe(false);
    expect(isTagMutable(rule, "v1.2")).toBe(true);
    expect(isTagMutable(rule, "latest")).toBe(true);
  });
});

describe("validateTagMutability", () => {
  it("accepts each mode with the exclusions it needs", () => {
    expect(validateTagMutability(settings("MUTABLE"))).toBeUndefined();
    expect(validateTagMutability(settings("IMMUTABLE"))).toBeUndefined();
    expect(validateTagMutability(settings("IMMUTABLE_WITH_EXCLUSION", "latest", "dev-*"))).toBeUndefined();
    expect(validateTagMutability(settings("MUTABLE_WITH_EXCLUSION", "v*"))).toBeUndefined();
    expect(validateTagMutability(settings("MUTABLE_WITH_EXCLUSION", "*".repeat(128)))).toBeUndefined();
  });

  it("rejects an unknown mode", () => {
    expect(validateTagMutability(settings("mutable" as TagMutability))).toBe(
      "tag mutability must be one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION",
    );
  });

  it("needs exclusions exactly for the _WITH_EXCLUSION modes", () => {
    expect(validateTagMutability(settings("IMMUTABLE_WITH_EXCLUSION"))).toBe(
      "IMMUTABLE_WITH_EXCLUSION needs at least one exclusion pattern",
    );
    expect(validateTagMutability(settings("MUTABLE_WITH_EXCLUSION"))).toBe(
      "MUTABLE_WITH_EXCLUSION needs at least one exclusion pattern",
    );
    const needs = "exclusion patterns need IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION";
    expect(validateTagMutability(settings("IMMUTABLE", "latest"))).toBe(needs);
    expect(validateTagMutability(settings("MUTABLE", "latest"))).toBe(needs);
  });

  it.each(["", "a/b", "v1+build", "tag with space", "x".repeat(129), "(a|b)"])(
    "rejects the exclusion pattern %j",
    (pattern) => {
      expect(validateTagMutability(settings("IMMUTABLE_WITH_EXCLUSION", "ok", pattern))).toBe(
        `invalid exclusion pattern ${JSON.stringify(pattern)}`,
      );
    },
  );
});

describe("wildcardMatch", () => {
  it("matches * against any run of characters, anchored at both ends", () => {
    expect(wildcardMatch("*", "")).toBe(true);
    expect(wildcardMatch("*", "anything")).toBe(true);
    expect(wildcardMatch("dev-*", "dev-")).toBe(true);
    expect(wildcardMatch("*-rc*", "1.0-rc2")).toBe(true);
    expect(wildcardMatch("dev", "dev-1")).toBe(false);
    expect(wildcardMatch("dev", "my-dev")).toBe(false);
  });

  it("treats regular expression characters literally", () => {
    expect(wildcardMatch("v1.0", "v1.0")).toBe(true);
    expect(wildcardMatch("v1.0", "v1x0")).toBe(false);
    expect(wildcardMatch("a+b", "a+b")).toBe(true);
    expect(wildcardMatch("a+b", "aab")).toBe(false);
    expect(wildcardMatch("a?", "a?")).toBe(true);
    expect(wildcardMatch("a?", "a")).toBe(false);
    expect(wildcardMatch("(a|b)", "a")).toBe(false);
    expect(wildcardMatch("(a|b)", "(a|b)")).toBe(true);
    expect(wildcardMatch("[ab]", "a")).toBe(false);
    expect(wildcardMatch("^a$", "^a$")).toBe(true);
    expect(wildcardMatch("a{2}", "aa")).toBe(false);
    expect(wildcardMatch("a\\d", "a\\d")).toBe(true);
    expect(wildcardMatch("a\\d", "a1")).toBe(false);
    expect(wildcardMatch("$*.", "$x.")).toBe(true);
  });
});
