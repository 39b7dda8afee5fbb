import { describe, expect, it } from "vitest";
import { decodeContinue, encodeContinue } from "./continue-token.js";

describe("continue tokens", () => {
  it("round-trip the revision and the last key relative to the prefix", () => {
    const token = encodeContinue(42, "/registry/core/pods/default/web-1", "/registry/core/pods/");
    expect(decodeContinue(token, "/registry/core/pods/")).toEqual({
      revision: 42,
      startAfter: "/registry/core/pods/default/web-1",
    });
  });

  it("reject malformed tokens and keys escaping the prefix", () => {
    expect(() => decodeContinue("!!!", "/p/")).toThrow(/continue key is not valid/);
    const escape = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: 3, start: "../x" })).toString(
      "base64url",
    );
    expect(() => decodeContinue(escape, "/p/")).toThrow(/continue key is not valid/);
  });
});
