import { describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, isValidRepositoryName, isValidTag } from "./names.js";

describe("isValidRepositoryName", () => {
  it.each([
    "a",
    "library/alpine",
    "a/b-c/d_e.f",
    "a__b",
    "a--b",
    "a---b",
    "0/1/2",
    "my.registry/team_1/app-9",
  ])("accepts %s", (name) => {
    expect(isValidRepositoryName(name)).toBe(true);
  });

  it.each([
    ["an empty name", ""],
    ["uppercase", "A"],
    ["uppercase in a component", "team/App"],
    ["an empty component", "a//b"],
    ["a leading slash", "/a"],
    ["a trailing slash", "a/"],
    ["dot-dot", ".."],
    ["a dot-dot component", "a/../b"],
    ["a dot component", "a/./b"],
    ["a leading separator", "-a"],
    ["a trailing separator", "a-"],
    ["a leading underscore", "_a"],
    ["three underscores", "a___b"],
    ["two dots", "a..b"],
    ["a mixed separator", "a._b"],
    ["a colon", "a:b"],
    ["a space", "a b"],
    ["a backslash", "a\\b"],
    ["a non-ASCII letter", "café"],
  ])("rejects %s", (_what, name) => {
    expect(isValidRepositoryName(name)).toBe(false);
  });

  it(`accepts ${MAX_NAME_LENGTH} characters and rejects more`, () => {
    expect(MAX_NAME_LENGTH).toBe(255);
    const component = "a".repeat(63);
    const longest = [component, component, component, component].join("/");
    expect(longest).toHaveLength(255);
    expect(isValidRepositoryName(longest)).toBe(true);
    expect(isValidRepositoryName(`${longest}b`)).toBe(false);
    expect(isValidRepositoryName("a".repeat(256))).toBe(false);
  });
});

describe("isValidTag", () => {
  it.each(["latest", "v1.2.3", "1", "_", "_private", "A-Z_a.z-09", "sha256-abc.sig"])("accepts %s", (tag) => {
    expect(isValidTag(tag)).toBe(true);
  });

  it.each([
    ["an empty tag", ""],
    ["a leading dot", ".hidden"],
    ["a leading dash", "-rc"],
    ["a colon", "v1:2"],
    ["a slash", "a/b"],
    ["a plus", "1.0+build"],
    ["a space", "v 1"],
    ["a newline", "v1\n"],
  ])("rejects %s", (_what, tag) => {
    expect(isValidTag(tag)).toBe(false);
  });

  it("accepts 128 characters and rejects 129", () => {
    expect(isValidTag("t".repeat(128))).toBe(true);
    expect(isValidTag("t".repeat(129))).toBe(false);
  });
});
