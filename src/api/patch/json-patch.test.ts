import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { applyJsonPatch } from "./json-patch.js";

function failure(doc: unknown, patch: unknown): ApiError {
  try {
    applyJsonPatch(doc, patch);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("the patch applied");
}

/** The library message a 422 carries as its cause. */
function cause(doc: unknown, patch: unknown): string | undefined {
  const e = failure(doc, patch);
  expect(e.code).toBe(422);
  expect(e.reason).toBe("Invalid");
  expect(e.message).toBe("the server rejected our request due to an error in our request");
  expect(e.details?.causes?.[0]?.reason).toBe("UnexpectedServerResponse");
  return e.details?.causes?.[0]?.message;
}

describe("applyJsonPatch", () => {
  it("applies add, remove, replace, move, copy and test", () => {
    const doc = { a: { b: [1, 2, 3] }, c: "x", "d/e": 1, "f~g": 2 };
    const out = applyJsonPatch(doc, [
      { op: "test", path: "/c", value: "x" },
      { op: "add", path: "/a/b/1", value: 9 },
      { op: "add", path: "/a/b/-", value: 4 },
      { op: "remove", path: "/a/b/0" },
      { op: "replace", path: "/d~1e", value: 5 },
      { op: "move", from: "/f~0g", path: "/h" },
      { op: "copy", from: "/a", path: "/i" },
    ]);
    expect(out).toEqual({ a: { b: [9, 2, 3, 4] }, c: "x", "d/e": 5, h: 2, i: { b: [9, 2, 3, 4] } });
    expect(doc.a.b).toEqual([1, 2, 3]);
  });

  it("applies what kubectl rollout undo sends", () => {
    const deploy = {
      metadata: {
        name: "web",
        annotations: { "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "x" },
      },
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } },
    };
    const template = {
      metadata: { creationTimestamp: null, labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.26" }] },
    };
    const out = applyJsonPatch(deploy, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "3" } },
    ]) as typeof deploy;
    expect(out.spec.template).toEqual(template);
    expect(out.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "3" });
  });

  it("counts negative indices from the end", () => {
    expect(applyJsonPatch({ a: [1, 2, 3] }, [{ op: "remove", path: "/a/-1" }])).toEqual({ a: [1, 2] });
    // add counts from the end of the grown list: -1 appends
    expect(applyJsonPatch({ a: [1, 2] }, [{ op: "add", path: "/a/-1", value: 9 }])).toEqual({ a: [1, 2, 9] });
  });

  it("replaces a missing object key by adding it, as the API server's library does", () => {
    expect(
      applyJsonPatch({ metadata: {} }, [{ op: "replace", path: "/metadata/labels", value: { a: "b" } }]),
    ).toEqual({
      metadata: { labels: { a: "b" } },
    });
  });

  it("replaces the whole document with an object", () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it("tests a missing key against null", () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: "test", path: "/b", value: null }])).toEqual({ a: 1 });
  });

  it("reports a failed test as 422 with the library's words (the SSA migration's resourceVersion check)", () => {
    expect(
      cause({ metadata: { resourceVersion: "5" } }, [
        { op: "test", path: "/metadata/resourceVersion", value: "4" },
      ]),
    ).toBe("testing value /metadata/resourceVersion failed: test failed");
    expect(cause({ a: 1 }, [{ op: "test", path: "", value: {} }])).toBe("testing value  failed: test failed");
  });

  it("reports missing paths in the library's words", () => {
    expect(cause({}, [{ op: "add", path: "/a/b", value: 1 }])).toBe(
      'add operation does not apply: doc is missing path: "/a/b": missing value',
    );
    expect(cause({}, [{ op: "remove", path: "/a/b" }])).toBe(
      'remove operation does not apply: doc is missing path: "/a/b": missing value',
    );
    expect(cause({ a: {} }, [{ op: "remove", path: "/a/b" }])).toBe(
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    );
    expect(cause({ a: [1] }, [{ op: "replace", path: "/a/3", value: 1 }])).toBe(
      "replace operation does not apply: doc is missing key: /a/3: missing value",
    );
    expect(cause({}, [{ op: "replace", path: "/a/b", value: 1 }])).toBe(
      "replace operation does not apply: doc is missing path: /a/b: missing value",
    );
    expect(cause({ a: [1] }, [{ op: "add", path: "/a/5", value: 1 }])).toBe(
      "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expect(cause({}, [{ op: "move", from: "/x/y", path: "/z" }])).toBe(
      "move operation does not apply: doc is missing from path: /x/y: missing value",
    );
    expect(cause({ x: 1 }, [{ op: "copy", from: "/x", path: "/q/r" }])).toBe(
      "copy operation does not apply: doc is missing destination path: /q/r: missing value",
    );
    expect(cause({}, [{ op: "test", path: "/a/b", value: 1 }])).toBe(
      "test operation does not apply: is missing path: /a/b: missing value",
    );
    expect(cause({}, [{ op: "frobnicate", path: "/a" }])).toBe("Unexpected kind: frobnicate");
    expect(cause({}, [{ op: "add", value: 1 }])).toBe("add operation failed to decode path: missing value");
  });

  it("applies all operations or none", () => {
    const doc = { a: 1 };
    failure(doc, [
      { op: "replace", path: "/a", value: 2 },
      { op: "test", path: "/a", value: 1 },
    ]);
    expect(doc).toEqual({ a: 1 });
  });

  it("refuses a patch that is not a list of operations with 400", () => {
    const e = failure({}, { op: "add" });
    expect(e.code).toBe(400);
    expect(e.message).toBe("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    expect(failure({}, [1]).code).toBe(400);
  });

  it("refuses more than 10000 operations with 413", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/a", value: 1 }));
    const e = failure({ a: 1 }, ops);
    expect(e.code).toBe(413);
    expect(e.message).toBe("The allowed maximum operations in a JSON patch is 10000, got 10001");
  });

  it("refuses to touch __proto__", () => {
    expect(() => applyJsonPatch({}, [{ op: "add", path: "/__proto__/x", value: 1 }])).toThrow(ApiError);
  });
});
