import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signHs256, verifyHs256 } from "./hs256-jwt.js";

const key = new Uint8Array(randomBytes(32));
const now = 1_800_000_000;
const valid = { iss: "skiff", sub: "alice", iat: now, nbf: now, exp: now + 60, typ: "login" };
const opts = { issuer: "skiff", now };
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("HS256 JWT", () => {
  it("round-trips claims, and agrees with jose both ways", async () => {
    const ours = signHs256(valid, key);
    expect(verifyHs256(ours, key, opts)).toEqual(valid);
    const checked = await jwtVerify(ours, key, {
      algorithms: ["HS256"],
      issuer: "skiff",
      currentDate: new Date(now * 1000),
    });
    expect(checked.payload).toEqual(valid);
    expect(checked.protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
    const theirs = await new SignJWT(valid).setProtectedHeader({ alg: "HS256" }).sign(key);
    expect(verifyHs256(theirs, key, opts)).toEqual(valid);
  });

  it("refuses another key, another issuer and tampering", () => {
    const token = signHs256(valid, key);
    expect(verifyHs256(token, new Uint8Array(randomBytes(32)), opts)).toBeUndefined();
    expect(verifyHs256(token, key, { ...opts, issuer: "other" })).toBeUndefined();
    const [header, , signature] = token.split(".");
    expect(
      verifyHs256(`${header}.${b64({ ...valid, sub: "admin" })}.${signature}`, key, opts),
    ).toBeUndefined();
    expect(verifyHs256(`${token}x`, key, opts)).toBeUndefined();
  });

  it("checks the validity window: nbf <= now < exp", () => {
    expect(verifyHs256(signHs256(valid, key), key, { ...opts, now: now + 59 })).toBeDefined();
    expect(verifyHs256(signHs256(valid, key), key, { ...opts, now: now + 60 })).toBeUndefined();
    expect(verifyHs256(signHs256(valid, key), key, { ...opts, now: now - 1 })).toBeUndefined();
    expect(
      verifyHs256(signHs256({ ...valid, exp: "later" } as unknown as typeof valid, key), key, opts),
    ).toBeUndefined();
  });

  it("refuses other algorithms, unsigned tokens and critical extensions", async () => {
    const hs512 = await new SignJWT(valid).setProtectedHeader({ alg: "HS512" }).sign(key);
    expect(verifyHs256(hs512, key, opts)).toBeUndefined();
    expect(verifyHs256(`${b64({ alg: "none" })}.${b64(valid)}.`, key, opts)).toBeUndefined();
    const critical = `${b64({ alg: "HS256", crit: ["exp"] })}.${b64(valid)}`;
    const signature = (await new SignJWT(valid).setProtectedHeader({ alg: "HS256" }).sign(key)).split(".")[2];
    expect(verifyHs256(`${critical}.${signature}`, key, opts)).toBeUndefined();
  });

  it("never throws on garbage", () => {
    for (const junk of [
      "",
      "a.b.c",
      "...",
      "a.b",
      "x".repeat(10_000),
      "eyJhbGciOiJIUzI1NiJ9.e30.x",
      "+/=.a.b",
    ]) {
      expect(verifyHs256(junk, key, opts)).toBeUndefined();
    }
    expect(
      verifyHs256(signHs256([1, 2] as unknown as Record<string, unknown>, key), key, opts),
    ).toBeUndefined();
  });
});
