import { describe, expect, it } from "vitest";
import { EngineError } from "./errors.js";
import {
  boolParam,
  filtersParam,
  intParam,
  parseSignal,
  sizeParams,
  strictBoolParam,
  timeParam,
} from "./params.js";

const q = (s: string) => new URLSearchParams(s);

describe("query parameters", () => {
  it("reads booleans as moby does", () => {
    for (const yes of ["1", "true", "True", "yes", "on"]) expect(boolParam(q(`x=${yes}`), "x")).toBe(true);
    for (const no of ["", "0", "no", "false", "none"]) expect(boolParam(q(`x=${no}`), "x")).toBe(false);
    expect(boolParam(q(""), "x", true)).toBe(true);
    expect(strictBoolParam(q("stream=0"), "stream", true)).toBe(false);
    expect(() => strictBoolParam(q("stream=maybe"), "stream", true)).toThrow(EngineError);
  });

  it("reads integers within their range", () => {
    expect(intParam(q("t=10"), "t")).toBe(10);
    expect(intParam(q("t=-1"), "t", { min: -1 })).toBe(-1);
    expect(intParam(q("t="), "t")).toBeUndefined();
    expect(() => intParam(q("t=1.5"), "t")).toThrow(/invalid syntax/);
    expect(() => intParam(q("t=-2"), "t", { min: -1 })).toThrow(/out of range/);
    expect(() => intParam(q("t=99999999999999999999"), "t")).toThrow(/out of range/);
  });

  it("parses signals by name, SIG name and number, real-time included", () => {
    expect(parseSignal("KILL")).toBe("SIGKILL");
    expect(parseSignal("sigterm")).toBe("SIGTERM");
    expect(parseSignal("9")).toBe("SIGKILL");
    expect(parseSignal("SIGRTMIN+3")).toBe("37");
    expect(parseSignal("40")).toBe("40");
    for (const bad of ["NOPE", "0", "65", "RTMIN+40", ""])
      expect(() => parseSignal(bad)).toThrow(`Invalid signal: ${bad}`);
  });

  it("parses filters in both JSON forms", () => {
    expect(filtersParam(q(`filters=${encodeURIComponent('{"name":["a","b"]}')}`))).toEqual({
      name: ["a", "b"],
    });
    expect(filtersParam(q(`filters=${encodeURIComponent('{"dangling":{"true":true}}')}`))).toEqual({
      dangling: ["true"],
    });
    expect(() => filtersParam(q("filters=[1]"))).toThrow(/invalid filter/);
    expect(() => filtersParam(q(`filters=${encodeURIComponent('{"a":1}')}`))).toThrow(/invalid filter/);
  });

  it("reads terminal sizes and times", () => {
    expect(sizeParams(q("h=24&w=80"))).toEqual({ height: 24, width: 80 });
    expect(() => sizeParams(q("h=24"))).toThrow(/both h and w/);
    expect(timeParam(q("since=1700000000.123456789"), "since")).toBeCloseTo(1700000000.123);
    expect(timeParam(q("since=0"), "since")).toBeUndefined();
    expect(() => timeParam(q("since=10m"), "since")).toThrow(/unix seconds/);
  });
});
