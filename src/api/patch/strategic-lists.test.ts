import { describe, expect, it } from "vitest";
import { serviceSchema } from "./fixtures.js";
import { deployment, failure, smp, type Deploy } from "./smp.test-util.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

describe("applyStrategicMergePatch: lists", () => {
  const containers = [
    { name: "a", image: "a:1" },
    { name: "b", image: "b:1" },
    { name: "c", image: "c:1" },
  ];
  const names = (d: Deploy) => (d.spec.template.spec.containers as { name: string }[]).map((c) => c.name);

  it("merges by key and keeps the live order without $setElementOrder", () => {
    const out = smp(deployment(containers), {
      spec: { template: { spec: { containers: [{ name: "b", image: "b:2" }] } } },
    });
    expect(out.spec.template.spec.containers).toEqual([
      { name: "a", image: "a:1" },
      { name: "b", image: "b:2" },
      { name: "c", image: "c:1" },
    ]);
  });

  it("puts new elements of a patch without $setElementOrder before the live ones", () => {
    expect(
      names(
        smp(deployment(containers), {
          spec: { template: { spec: { containers: [{ name: "d", image: "d" }] } } },
        }),
      ),
    ).toEqual(["d", "a", "b", "c"]);
  });

  it("orders by $setElementOrder; a server-only element goes before the first listed one that followed it live", () => {
    const out = smp(deployment(containers), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "d" }],
            containers: [{ name: "d", image: "d" }],
          },
        },
      },
    });
    // b came before c in the live list, so it is placed before c (strategicpatch mergeSortedSlice).
    expect(names(out)).toEqual(["b", "c", "a", "d"]);
  });

  it("reorders without changing content when only $setElementOrder is sent", () => {
    const out = smp(deployment(containers), {
      spec: {
        template: { spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "b" }, { name: "a" }] } },
      },
    });
    expect(names(out)).toEqual(["c", "b", "a"]);
  });

  it("deletes an element with $patch: delete and all of a list with null", () => {
    const env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    const live = deployment([{ name: "a", env }]);
    const deleted = smp(live, {
      spec: { template: { spec: { containers: [{ name: "a", env: [{ $patch: "delete", name: "A" }] }] } } },
    });
    expect(deleted.spec.template.spec.containers).toEqual([{ name: "a", env: [{ name: "B", value: "2" }] }]);
    const cleared = smp(live, { spec: { template: { spec: { containers: [{ name: "a", env: null }] } } } });
    expect(cleared.spec.template.spec.containers).toEqual([{ name: "a" }]);
  });

  it("replaces a keyed list with a $patch: replace element", () => {
    const out = smp(deployment(containers), {
      spec: { template: { spec: { containers: [{ name: "z", image: "z" }, { $patch: "replace" }] } } },
    });
    expect(out.spec.template.spec.containers).toEqual([{ name: "z", image: "z" }]);
  });

  it("replaces lists without a strategy (command, tolerations)", () => {
    const live = deployment([{ name: "a", command: ["sh", "-c", "x"] }], { tolerations: [{ key: "k" }] });
    const out = smp(live, {
      spec: {
        template: { spec: { containers: [{ name: "a", command: ["y"] }], tolerations: [{ key: "j" }] } },
      },
    });
    expect(out.spec.template.spec.containers).toEqual([{ name: "a", command: ["y"] }]);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: "j" }]);
  });

  it("merges primitive lists with strategy merge as a set, and $deleteFromPrimitiveList removes values", () => {
    const live = { metadata: { finalizers: ["a", "b"] } };
    expect(smp(live, { metadata: { finalizers: ["c", "a"] } }).metadata).toEqual({
      finalizers: ["c", "a", "b"],
    });
    expect(smp(live, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a", "x"] } }).metadata).toEqual({
      finalizers: ["b"],
    });
    expect(
      smp({ metadata: {} }, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }).metadata,
    ).toEqual({});
  });

  it("keeps an empty patch list from touching a merged list", () => {
    expect(names(smp(deployment(containers), { spec: { template: { spec: { containers: [] } } } }))).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("merges Service ports by port", () => {
    const live = {
      spec: {
        ports: [
          { port: 80, targetPort: 8080, protocol: "TCP" },
          { port: 443, protocol: "TCP" },
        ],
      },
    };
    const out = applyStrategicMergePatch(
      live,
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      serviceSchema,
    );
    expect(out).toEqual({
      spec: {
        ports: [
          { port: 80, targetPort: 9090, protocol: "TCP" },
          { port: 443, protocol: "TCP" },
        ],
      },
    });
  });

  it("refuses an element without its merge key", () => {
    const e = failure(deployment(containers), {
      spec: { template: { spec: { containers: [{ image: "x" }] } } },
    });
    expect(e.code).toBe(400);
    expect(e.message).toBe("map: map[image:x] does not contain declared merge key: name");
  });

  it("refuses lists of lists with 422", () => {
    const e = failure({ metadata: { finalizers: [["a"]] } }, { metadata: { finalizers: [["b"]] } });
    expect(e.code).toBe(422);
    expect(e.details?.causes?.[0]?.message).toBe("lists of lists are not supported");
  });

  it("refuses a patch list in another order than its $setElementOrder", () => {
    const e = failure(deployment(containers), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "a" }, { name: "b" }],
            containers: [{ name: "b" }, { name: "a" }],
          },
        },
      },
    });
    expect(e.code).toBe(400);
  });
});
