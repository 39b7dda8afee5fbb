import { describe, expect, it } from "vitest";
import { defaultRouteInterface } from "./node-address.js";

const TABLE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
skiff0\t0000590A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
`;

describe("defaultRouteInterface", () => {
  it("finds the interface of the 0.0.0.0/0 route", () => {
    expect(defaultRouteInterface(TABLE)).toBe("eth0");
  });
  it("answers undefined without a default route", () => {
    expect(defaultRouteInterface(TABLE.split("\n").slice(0, 2).join("\n"))).toBeUndefined();
  });
});
