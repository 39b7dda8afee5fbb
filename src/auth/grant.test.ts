import { describe, expect, it } from "vitest";
import { grantedActions, isValidRepositoryPattern, repositoryMatches } from "./grant.js";
import type { Action, PolicyStatement, StatementAction } from "./grant.js";

const ALL: Action[] = ["pull", "push", "delete"];
const bob = { name: "bob", admin: false };
const carol = { name: "carol", admin: false };
const admin = { name: "root", admin: true };

let seq = 0;
function st(
  effect: PolicyStatement["effect"],
  principal: string,
  actions: StatementAction[],
  repository: string,
): PolicyStatement {
  return { id: `s${seq++}`, effect, principal, actions, repository, createdAt: new Date(0) };
}

describe("repositoryMatches", () => {
  it.each([
    ["app", "app", true],
    ["app", "apps", false],
    ["team/app", "team/app", true],
    ["team/*", "team/app", true],
    ["team/*", "team/a/b", false],
    ["team/*", "team", false],
    ["team/**", "team/a/b", true],
    ["team/**", "other/a", false],
    ["*", "app", true],
    ["*", "team/app", false],
    ["**", "team/a/b", true],
    ["team/app-*", "team/app-dev", true],
    ["team/app-*", "team/app", false],
    ["*/app", "x/app", true],
    ["*/app", "x/y/app", false],
    ["**/app", "x/y/app", true],
    ["a.b/*", "axb/c", false],
    ["a.b/*", "a.b/c", true],
  ])("%s ~ %s = %s", (pattern, repository, expected) => {
    expect(repositoryMatches(pattern, repository)).toBe(expected);
  });
});

describe("isValidRepositoryPattern", () => {
  it.each(["app", "team/app", "team/*", "team/**", "**", "*", "a.b_c-d/*-x"])("accepts %s", (p) => {
    expect(isValidRepositoryPattern(p)).toBe(true);
  });
  it.each(["", "/app", "app/", "a//b", "Team/app", "a b", "***", "a/***", "a?", "x".repeat(256)])(
    "rejects %j",
    (p) => {
      expect(isValidRepositoryPattern(p)).toBe(false);
    },
  );
});

describe("grantedActions", () => {
  it("grants nothing without statements, except to admins", () => {
    expect(grantedActions([], bob, "app", ALL)).toEqual([]);
    expect(grantedActions([], null, "app", ALL)).toEqual([]);
    expect(grantedActions([], admin, "app", ALL)).toEqual(ALL);
  });

  it("grants what a statement naming the user allows, on matching repositories only", () => {
    const statements = [st("allow", "bob", ["pull", "push"], "team/*")];
    expect(grantedActions(statements, bob, "team/app", ALL)).toEqual(["pull", "push"]);
    expect(grantedActions(statements, bob, "other/app", ALL)).toEqual([]);
    expect(grantedActions(statements, carol, "team/app", ALL)).toEqual([]);
    expect(grantedActions(statements, null, "team/app", ALL)).toEqual([]);
  });

  it("lets deny win over allow", () => {
    const statements = [
      st("allow", "*", ["*"], "**"),
      st("deny", "bob", ["delete"], "team/**"),
      st("deny", "*", ["push"], "prod/*"),
    ];
    expect(grantedActions(statements, bob, "team/a/b", ALL)).toEqual(["pull", "push"]);
    expect(grantedActions(statements, carol, "team/a/b", ALL)).toEqual(ALL);
    expect(grantedActions(statements, carol, "prod/app", ALL)).toEqual(["pull", "delete"]);
    expect(grantedActions(statements, admin, "prod/app", ALL)).toEqual(ALL);
  });

  it("applies * to authenticated callers only", () => {
    const statements = [st("allow", "*", ["pull"], "app")];
    expect(grantedActions(statements, bob, "app", ["pull"])).toEqual(["pull"]);
    expect(grantedActions(statements, null, "app", ["pull"])).toEqual([]);
  });

  it("applies anonymous to everyone, with or without credentials", () => {
    const allow = [st("allow", "anonymous", ["pull"], "public/*")];
    expect(grantedActions(allow, null, "public/app", ALL)).toEqual(["pull"]);
    expect(grantedActions(allow, bob, "public/app", ALL)).toEqual(["pull"]);
    const deny = [
      ...allow,
      st("allow", "bob", ["*"], "public/*"),
      st("deny", "anonymous", ["delete"], "public/**"),
    ];
    expect(grantedActions(deny, bob, "public/app", ALL)).toEqual(["pull", "push"]);
  });

  it("keeps the requested order and only answers what was asked", () => {
    const statements = [st("allow", "bob", ["*"], "app")];
    expect(grantedActions(statements, bob, "app", ["push", "pull"])).toEqual(["push", "pull"]);
    expect(grantedActions(statements, bob, "app", [])).toEqual([]);
  });
});
