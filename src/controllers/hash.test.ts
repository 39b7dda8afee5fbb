import { describe, expect, it } from "vitest";
import { canonicalJson, fnv32a, safeEncode, templateHash } from "./hash.js";

describe("hash", () => {
  it("FNV-1a 32 matches the reference vectors", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv32a("foobar")).toBe(0xbf9cf968);
  });

  it("hashes templates independently of key order, into k8s' safe alphabet", () => {
    const a = templateHash({
      spec: { containers: [{ name: "c", image: "i" }] },
      metadata: { labels: { x: "1" } },
    });
    const b = templateHash({
      metadata: { labels: { x: "1" } },
      spec: { containers: [{ image: "i", name: "c" }] },
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash({ spec: { x: 2 } })).not.toBe(templateHash({ spec: { x: 1 } }));
    expect(templateHash({ a: 1 }, 1)).not.toBe(templateHash({ a: 1 }));
    expect(canonicalJson({ b: [1, { d: 2, c: undefined }], a: null })).toBe('{"a":null,"b":[1,{"d":2}]}');
    expect(safeEncode("0123")).toBe("4567");
  });
});
