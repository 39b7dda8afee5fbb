import { describe, expect, it } from "vitest";
import {
  FieldSet,
  elementKey,
  fromFieldsV1,
  parseElementKey,
  pathString,
  toFieldsV1,
  type Path,
} from "./fieldpath.js";

const containerImage: Path = [
  { field: "spec" },
  { field: "template" },
  { field: "spec" },
  { field: "containers" },
  { key: [["name", "nginx"]] },
  { field: "image" },
];

describe("field paths", () => {
  it("spell elements as FieldsV1 does and read them back", () => {
    const elements = [
      { field: "replicas" },
      {
        key: [
          ["containerPort", 80],
          ["protocol", "TCP"],
        ] as [string, unknown][],
      },
      { value: "example.com/a" },
      { index: 3 },
    ];
    expect(elements.map(elementKey)).toEqual([
      "f:replicas",
      'k:{"containerPort":80,"protocol":"TCP"}',
      'v:"example.com/a"',
      "i:3",
    ]);
    for (const e of elements) expect(parseElementKey(elementKey(e))).toEqual(e);
    expect(parseElementKey("x:1")).toBeUndefined();
    expect(parseElementKey("k:[1]")).toBeUndefined();
  });

  it("print as conflict messages do", () => {
    expect(pathString([{ field: "spec" }, { field: "replicas" }])).toBe(".spec.replicas");
    expect(pathString(containerImage)).toBe('.spec.template.spec.containers[name="nginx"].image');
    expect(
      pathString([
        {
          key: [
            ["containerPort", 80],
            ["protocol", "TCP"],
          ],
        },
      ]),
    ).toBe('[containerPort=80,protocol="TCP"]');
    expect(pathString([{ field: "finalizers" }, { value: "a" }])).toBe('.finalizers[="a"]');
  });
});

describe("FieldSet", () => {
  it("does set algebra on paths", () => {
    const a = new FieldSet([[{ field: "a" }], [{ field: "b" }]]);
    const b = new FieldSet([[{ field: "b" }], [{ field: "c" }]]);
    expect(a.union(b).size).toBe(3);
    expect(a.intersection(b).paths()).toEqual([[{ field: "b" }]]);
    expect(a.difference(b).paths()).toEqual([[{ field: "a" }]]);
    expect(new FieldSet([containerImage]).hasBelow([{ field: "spec" }, { field: "template" }])).toBe(true);
    expect(new FieldSet([containerImage]).hasBelow(containerImage)).toBe(false);
  });

  it("drops whole subtrees with without()", () => {
    const s = new FieldSet([
      [{ field: "status" }, { field: "replicas" }],
      [{ field: "status" }],
      [{ field: "statusX" }],
    ]);
    expect(s.without([[{ field: "status" }]]).paths()).toEqual([[{ field: "statusX" }]]);
  });
});

describe("FieldsV1", () => {
  it("encodes members as {} and members with children with a '.' entry", () => {
    const set = new FieldSet([
      [{ field: "metadata" }, { field: "labels" }],
      [{ field: "metadata" }, { field: "labels" }, { field: "app" }],
      [{ field: "spec" }, { field: "replicas" }],
      containerImage.slice(0, 5),
      containerImage,
    ]);
    expect(toFieldsV1(set)).toEqual({
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {} } } } },
      },
    });
    expect(JSON.stringify(toFieldsV1(set)["f:metadata"])).toBe('{"f:labels":{".":{},"f:app":{}}}');
  });

  it("round-trips", () => {
    const v1 = {
      "f:metadata": { "f:annotations": { ".": {}, "f:a": {} } },
      "f:spec": {
        "f:ports": { 'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:port": {} } },
        "f:finalizers": { 'v:"x"': {} },
      },
    };
    const set = fromFieldsV1(v1);
    expect(set?.size).toBe(5);
    expect(toFieldsV1(set as FieldSet)).toEqual(v1);
  });

  it("refuses malformed documents", () => {
    expect(fromFieldsV1({ "f:a": [] })).toBeUndefined();
    expect(fromFieldsV1({ "z:a": {} })).toBeUndefined();
    expect(fromFieldsV1("x")).toBeUndefined();
    expect(fromFieldsV1({})?.isEmpty()).toBe(true);
  });
});
