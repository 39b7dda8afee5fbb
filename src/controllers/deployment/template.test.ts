import { describe, expect, it } from "vitest";
import { canonicalJson, computeHash, fnv32a, safeEncode, templatesEqual } from "./template.js";

const tpl = (labels: Record<string, string>, image = "nginx:1.27") => ({
  metadata: { labels },
  spec: { containers: [{ name: "web", image, ports: [{ containerPort: 80, protocol: "TCP" }] }] },
});

describe("pod-template-hash", () => {
  it("is FNV-32a (known vectors) rendered in the safe alphabet", () => {
    expect(fnv32a(new TextEncoder().encode(""))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode("a"))).toBe(0xe40c292c);
    expect(fnv32a(new TextEncoder().encode("foobar"))).toBe(0xbf9cf968);
    // Digits land on 4-9 and b, c, d, f: the look of `7c5ddbdf54`.
    expect(safeEncode("0123456789")).toBe("456789bcdf");
  });

  it("is stable across key order and ignores the hash label itself", () => {
    const a = tpl({ app: "web", tier: "fe" });
    const b = { spec: a.spec, metadata: { labels: { tier: "fe", app: "web" } } };
    const h = computeHash(a);
    expect(h).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash(b)).toBe(h);
    expect(computeHash(tpl({ app: "web", tier: "fe", "pod-template-hash": h }))).toBe(h);
  });

  it("changes with the template and with the collision count", () => {
    const h = computeHash(tpl({ app: "web" }));
    expect(computeHash(tpl({ app: "web" }, "nginx:1.28"))).not.toBe(h);
    expect(computeHash(tpl({ app: "web" }), 1)).not.toBe(computeHash(tpl({ app: "web" }), 0));
  });
});

describe("template equality", () => {
  it("ignores pod-template-hash, key order, nulls and empty maps", () => {
    const a = tpl({ app: "web" });
    const b = {
      metadata: {
        creationTimestamp: null,
        labels: { "pod-template-hash": "abc", app: "web" },
        annotations: {},
      },
      spec: {
        containers: [{ image: "nginx:1.27", ports: [{ protocol: "TCP", containerPort: 80 }], name: "web" }],
      },
    };
    expect(templatesEqual(a, b)).toBe(true);
  });

  it("sees real differences, including list order", () => {
    expect(templatesEqual(tpl({ app: "web" }), tpl({ app: "web" }, "nginx:1.28"))).toBe(false);
    expect(templatesEqual(tpl({ app: "web" }), tpl({ app: "api" }))).toBe(false);
    const two = (a: string, b: string) => ({ spec: { containers: [{ name: a }, { name: b }] } });
    expect(templatesEqual(two("x", "y"), two("y", "x"))).toBe(false);
  });

  it("canonical JSON sorts keys and drops nulls", () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [2, { z: 1, y: 0 }] } })).toBe(
      '{"a":{"c":[2,{"y":0,"z":1}]},"b":1}',
    );
  });
});
