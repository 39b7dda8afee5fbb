import { describe, expect, it } from "vitest";
import { negotiate } from "./negotiate.js";

describe("negotiate", () => {
  it("answers what kubectl asks for (kubectl-wire §3.1)", () => {
    const table =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const agg =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    expect(negotiate(table)).toBe("table");
    expect(negotiate(agg, { discovery: true })).toBe("aggregated-discovery");
    expect(negotiate(agg)).toBe("json");
    expect(negotiate("application/vnd.kubernetes.protobuf,application/json")).toBe("json");
    expect(negotiate("application/vnd.kubernetes.protobuf, */*")).toBe("json");
    expect(negotiate("application/json, */*")).toBe("json");
    expect(negotiate(undefined)).toBe("json");
  });

  it("honours q and refuses what it cannot produce", () => {
    expect(negotiate("application/json;q=0.5,application/json;as=Table;g=meta.k8s.io;v=v1")).toBe("table");
    expect(negotiate("application/com.github.proto-openapi.spec.v2@v1.0+protobuf")).toBeUndefined();
    expect(negotiate("application/json;as=Table;g=meta.k8s.io;v=v2")).toBeUndefined();
    expect(negotiate("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")).toBe("metadata");
  });
});
