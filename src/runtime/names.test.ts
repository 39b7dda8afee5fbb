import { describe, expect, it } from "vitest";
import { randomContainerName, validateContainerName } from "./names.js";

describe("container names", () => {
  it("accepts Docker's names, with or without the leading slash", () => {
    expect(validateContainerName("web")).toBe("web");
    expect(validateContainerName("/web")).toBe("web");
    expect(validateContainerName("a1_b.c-d")).toBe("a1_b.c-d");
  });

  it("rejects others with Docker's message and 400", () => {
    expect(() => validateContainerName("x/y")).toThrow(
      "Invalid container name (x/y), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
    );
    for (const bad of ["_web", "a", "", "we b", "//web", "-x"])
      expect(() => validateContainerName(bad)).toThrow(/Invalid container name/);
    try {
      validateContainerName("x/y");
    } catch (err) {
      expect((err as { statusCode: number }).statusCode).toBe(400);
    }
  });

  it("makes valid adjective_surname names that are not taken", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = randomContainerName((n) => taken.has(n));
      expect(name).toMatch(/^[a-z]+_[a-z]+[0-9]?$/);
      expect(name).not.toBe("boring_wozniak");
      expect(taken.has(name)).toBe(false);
      expect(validateContainerName(name)).toBe(name);
      taken.add(name);
    }
  });
});
