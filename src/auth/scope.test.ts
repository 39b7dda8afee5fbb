import { describe, expect, it } from "vitest";
import { formatScope, parseScope } from "./scope.js";

describe("parseScope", () => {
  it("parses a simple repository scope", () => {
    expect(parseScope("repository:app:pull")).toEqual({ type: "repository", name: "app", actions: ["pull"] });
  });

  it("keeps slashes in names and splits several actions", () => {
    expect(parseScope("repository:team/sub/app:pull,push")).toEqual({
      type: "repository",
      name: "team/sub/app",
      actions: ["pull", "push"],
    });
  });

  it("takes the name between the first and the last colon", () => {
    expect(parseScope("repository:localhost:5000/app:pull")?.name).toBe("localhost:5000/app");
  });

  it("accepts a resource class, the * action and merges repeated actions", () => {
    expect(parseScope("repository(plugin):x:pull,pull")).toEqual({
      type: "repository(plugin)",
      name: "x",
      actions: ["pull"],
    });
    expect(parseScope("registry:catalog:*")?.actions).toEqual(["*"]);
  });

  it.each([
    "",
    "repository",
    "repository:app",
    ":app:pull",
    "repository::pull",
    "repository:app:",
    "repository:app:pull,",
    "repository:app:PULL",
    "repository:a b:pull",
    "Repository:app:pull",
    "repository:app:pull push",
  ])("rejects %j", (scope) => {
    expect(parseScope(scope)).toBeUndefined();
  });
});

describe("formatScope", () => {
  it("is the inverse of parseScope", () => {
    const scope = "repository:team/app:pull,push";
    const parsed = parseScope(scope);
    expect(parsed && formatScope(parsed)).toBe(scope);
  });
});
