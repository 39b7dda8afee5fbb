import { describe, expect, it } from "vitest";
import { deploymentSchema, serviceSchema } from "./fixtures.js";
import { fieldSchema } from "./schema.js";
import { appliedProblems, resolve } from "./typed.js";

const spec = fieldSchema(deploymentSchema, "spec");
const podSpec = fieldSchema(fieldSchema(spec, "template"), "spec");
const ports = fieldSchema(fieldSchema(serviceSchema, "spec"), "ports");

describe("resolve", () => {
  it("sees structs and string maps as granular maps, atomic maps and scalars as leaves", () => {
    expect(resolve(spec, { replicas: 1 }).kind).toBe("map");
    expect(resolve(fieldSchema(spec, "selector"), { matchLabels: {} }).kind).toBe("leaf");
    expect(resolve(fieldSchema(spec, "replicas"), 1).kind).toBe("leaf");
    expect(resolve(spec, null).kind).toBe("leaf");
  });

  it("deduces unknown values: objects are granular, lists atomic", () => {
    expect(resolve({}, { a: 1 }).kind).toBe("map");
    expect(resolve({}, [1, 2]).kind).toBe("leaf");
  });

  it("keys map-list items by their list-map keys, defaulting protocol to TCP", () => {
    const n = resolve(ports, [{ port: 80 }, { port: 53, protocol: "UDP" }]);
    expect(n.kind === "list" && n.elements).toEqual([
      {
        key: [
          ["port", 80],
          ["protocol", "TCP"],
        ],
      },
      {
        key: [
          ["port", 53],
          ["protocol", "UDP"],
        ],
      },
    ]);
  });

  it("takes a list it cannot key as one value", () => {
    expect(resolve(fieldSchema(podSpec, "containers"), [{ name: "a" }, { name: "a" }]).kind).toBe("leaf");
    expect(resolve(fieldSchema(podSpec, "tolerations"), [{ key: "a" }]).kind).toBe("leaf");
  });
});

describe("appliedProblems", () => {
  it("names nothing in a well-formed configuration", () => {
    expect(
      appliedProblems({ spec: { ports: [{ port: 80 }, { port: 80, protocol: "UDP" }] } }, serviceSchema),
    ).toEqual([]);
  });

  it("names duplicate and missing keys with the list's path", () => {
    expect(
      appliedProblems(
        { spec: { ports: [{ port: 80 }, { port: 80, protocol: "TCP" }, { name: "x" }] } },
        serviceSchema,
      ),
    ).toEqual(['.spec.ports: duplicate entries for key [port=80,protocol="TCP"]']);
    expect(appliedProblems({ spec: { ports: [{ name: "x" }] } }, serviceSchema)).toEqual([
      '.spec.ports: element 0: associative list with keys has an element that omits key field "port" (and doesn\'t have default value)',
    ]);
  });
});
