import { describe, expect, it } from "vitest";
import { EngineError } from "./errors.js";
import { credentialsFromAuthConfig, decodeRegistryAuth } from "./registry-auth.js";

const encode = (o: object, alphabet: "base64" | "base64url" = "base64url") =>
  Buffer.from(JSON.stringify(o)).toString(alphabet);

describe("X-Registry-Auth", () => {
  it("decodes base64url AuthConfig JSON, as the docker CLI sends it", () => {
    const header = encode({ username: "skiff", password: "p>?~", serveraddress: "127.0.0.1:5000" });
    expect(decodeRegistryAuth(header)).toEqual({ username: "skiff", password: "p>?~" });
  });

  it("accepts standard base64, padded or not, and identity tokens", () => {
    expect(decodeRegistryAuth(encode({ identitytoken: "tok" }, "base64"))).toEqual({ identityToken: "tok" });
    expect(decodeRegistryAuth(encode({ username: "a", password: "b" }).replace(/=+$/, ""))).toEqual({
      username: "a",
      password: "b",
    });
  });

  it("treats an absent, empty or `{}` header as anonymous", () => {
    expect(decodeRegistryAuth(undefined)).toBeUndefined();
    expect(decodeRegistryAuth("")).toBeUndefined();
    expect(decodeRegistryAuth(encode({}))).toBeUndefined();
  });

  it("refuses a malformed header with a 400", () => {
    for (const bad of [
      "***",
      Buffer.from("not json").toString("base64"),
      encode([1, 2] as unknown as object),
    ]) {
      expect(() => decodeRegistryAuth(bad)).toThrow(EngineError);
      expect(() => decodeRegistryAuth(bad)).toThrow(/invalid X-Registry-Auth header/);
    }
  });

  it("reads `auth` (base64 of user:password) when username and password are absent", () => {
    const auth = Buffer.from("u:p:with:colons").toString("base64");
    expect(credentialsFromAuthConfig({ auth })).toEqual({ username: "u", password: "p:with:colons" });
  });
});
