import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenService } from "./tokens.js";

const key = new Uint8Array(randomBytes(32));

function service(start = Date.UTC(2030, 0, 1)) {
  const clock = { now: start };
  const tokens = new TokenService({ key, now: () => clock.now });
  return { tokens, clock };
}

const pull = { type: "repository", name: "team/app", actions: ["pull"] };

describe("TokenService login tokens", () => {
  it("round-trips the user and expiry", async () => {
    const { tokens, clock } = service();
    const token = await tokens.issueLoginToken("alice", 60);
    expect(await tokens.verifyLoginToken(token)).toEqual({
      user: "alice",
      expiresAt: new Date(clock.now + 60_000),
    });
  });

  it("expires, also when the verification was cached", async () => {
    const { tokens, clock } = service();
    const token = await tokens.issueLoginToken("alice", 60);
    expect(await tokens.verifyLoginToken(token)).toBeDefined();
    clock.now += 59_000;
    expect(await tokens.verifyLoginToken(token)).toBeDefined();
    clock.now += 1_000;
    expect(await tokens.verifyLoginToken(token)).toBeUndefined();
    // A fresh service has no cache: the signature check itself refuses it.
    const fresh = new TokenService({ key, now: () => clock.now });
    expect(await fresh.verifyLoginToken(token)).toBeUndefined();
  });

  it("defaults to twelve hours", async () => {
    const { tokens, clock } = service();
    const claims = await tokens.verifyLoginToken(await tokens.issueLoginToken("alice"));
    expect(claims?.expiresAt.getTime()).toBe(clock.now + 12 * 3600_000);
  });

  it("is not accepted as an access token, nor an access token as a login token", async () => {
    const { tokens } = service();
    const login = await tokens.issueLoginToken("alice");
    const access = await tokens.issueAccessToken({ subject: "alice", audience: "svc", access: [pull] });
    expect(await tokens.verifyAccessToken(login, "svc")).toBeUndefined();
    expect(await tokens.verifyLoginToken(access)).toBeUndefined();
  });

  it("rejects tokens signed with another key or by another issuer", async () => {
    const { tokens, clock } = service();
    const other = new TokenService({ key: new Uint8Array(randomBytes(32)), now: () => clock.now });
    expect(await tokens.verifyLoginToken(await other.issueLoginToken("alice"))).toBeUndefined();
    const elsewhere = new TokenService({ key, issuer: "elsewhere", now: () => clock.now });
    expect(await tokens.verifyLoginToken(await elsewhere.issueLoginToken("alice"))).toBeUndefined();
  });

  it("rejects tampered tokens", async () => {
    const { tokens } = service();
    const token = await tokens.issueLoginToken("alice");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url");
    expect(await tokens.verifyLoginToken(`${header}.${forged}.${signature}`)).toBeUndefined();
    const flipped = signature.slice(0, -2) + (signature.endsWith("AA") ? "BB" : "AA");
    expect(await tokens.verifyLoginToken(`${header}.${payload}.${flipped}`)).toBeUndefined();
  });

  it("rejects unsigned and other-algorithm tokens", async () => {
    const { tokens, clock } = service();
    const iat = Math.floor(clock.now / 1000);
    const claims = { typ: "login", sub: "alice", iss: "skiff", iat, exp: iat + 60 };
    const none = [
      Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"),
      Buffer.from(JSON.stringify(claims)).toString("base64url"),
      "",
    ].join(".");
    expect(await tokens.verifyLoginToken(none)).toBeUndefined();
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(key);
    expect(await tokens.verifyLoginToken(hs512)).toBeUndefined();
  });

  it("never throws on garbage", async () => {
    const { tokens } = service();
    for (const junk of ["", "a.b.c", "...", "x".repeat(100_000), "eyJhbGciOiJIUzI1NiJ9.e30.x"]) {
      expect(await tokens.verifyLoginToken(junk)).toBeUndefined();
      expect(await tokens.verifyAccessToken(junk, "svc")).toBeUndefined();
    }
  });
});

describe("TokenService access tokens", () => {
  it("round-trips subject and access for the right audience", async () => {
    const { tokens, clock } = service();
    const token = await tokens.issueAccessToken({ subject: "alice", audience: "svc", access: [pull] });
    expect(await tokens.verifyAccessToken(token, "svc")).toEqual({
      subject: "alice",
      access: [pull],
      expiresAt: new Date(clock.now + 300_000),
    });
  });

  it("carries the Docker token claims", async () => {
    const { tokens, clock } = service();
    const token = await tokens.issueAccessToken({
      subject: null,
      audience: "svc",
      access: [pull],
      ttlSeconds: 30,
    });
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
    const iat = Math.floor(clock.now / 1000);
    expect(claims).toMatchObject({ iss: "skiff", aud: "svc", typ: "access", iat, nbf: iat, exp: iat + 30 });
    expect(claims["access"]).toEqual([pull]);
    expect(claims["sub"]).toBeUndefined();
    expect(typeof claims["jti"]).toBe("string");
  });

  it("represents anonymous callers as a null subject", async () => {
    const { tokens } = service();
    const token = await tokens.issueAccessToken({ subject: null, audience: "svc", access: [] });
    expect((await tokens.verifyAccessToken(token, "svc"))?.subject).toBeNull();
  });

  it("rejects a token for another audience", async () => {
    const { tokens } = service();
    const token = await tokens.issueAccessToken({ subject: "alice", audience: "svc", access: [pull] });
    expect(await tokens.verifyAccessToken(token, "svc")).toBeDefined();
    expect(await tokens.verifyAccessToken(token, "other")).toBeUndefined();
  });

  it("expires after its ttl", async () => {
    const { tokens, clock } = service();
    const token = await tokens.issueAccessToken({ subject: "a", audience: "svc", access: [], ttlSeconds: 5 });
    clock.now += 4_999;
    expect(await tokens.verifyAccessToken(token, "svc")).toBeDefined();
    clock.now += 1;
    expect(await tokens.verifyAccessToken(token, "svc")).toBeUndefined();
  });

  it("hands out copies, so callers cannot alter a cached grant", async () => {
    const { tokens } = service();
    const token = await tokens.issueAccessToken({ subject: "a", audience: "svc", access: [pull] });
    const first = await tokens.verifyAccessToken(token, "svc");
    first?.access[0]?.actions.push("push");
    expect((await tokens.verifyAccessToken(token, "svc"))?.access).toEqual([pull]);
  });

  it("refuses bad ttl and short keys", async () => {
    const { tokens } = service();
    await expect(tokens.issueLoginToken("a", 0)).rejects.toThrow(RangeError);
    expect(() => new TokenService({ key: new Uint8Array(8) })).toThrow(RangeError);
  });
});
