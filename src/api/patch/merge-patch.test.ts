import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { applyMergePatch } from "./merge-patch.js";

describe("applyMergePatch", () => {
  it("follows the examples of RFC 7386 appendix A", () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [doc, patch, want] of cases) expect(applyMergePatch(doc, patch)).toEqual(want);
  });

  it("is what kubectl scale sends to /scale", () => {
    const scale = { kind: "Scale", spec: { replicas: 1 }, status: { replicas: 1, selector: "app=web" } };
    expect(applyMergePatch(scale, { spec: { replicas: 3 } })).toEqual({ ...scale, spec: { replicas: 3 } });
  });

  it("does not change its inputs", () => {
    const doc = { a: { b: 1 } };
    const patch = { a: { c: { d: 1 } } };
    const out = applyMergePatch(doc, patch) as { a: { c: { d: number } } };
    out.a.c.d = 2;
    expect(doc).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: { d: 1 } } });
  });

  it("refuses a patch that is not an object with 400", () => {
    for (const bad of [[1], "x", 1, null]) {
      try {
        applyMergePatch({}, bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe(400);
        expect((e as ApiError).message).toBe("Invalid JSON Patch");
      }
    }
  });

  it("keeps a __proto__ key an ordinary key", () => {
    const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":1}}');
  });
});
