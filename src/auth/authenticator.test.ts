import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../sqlite/open.js";
import type { Db } from "../sqlite/open.js";
import { Authenticator, parseBasicAuthorization } from "./authenticator.js";
import { TokenService } from "./tokens.js";
import { UserStore, authMigrations } from "./users.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("Authenticator", () => {
  let dir: string;
  let db: Db;
  let users: UserStore;
  let tokens: TokenService;
  let auth: Authenticator;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "skiff-auth-authn-"));
    db = openDatabase(join(dir, "auth.db"), { migrations: authMigrations });
    users = new UserStore(db);
    tokens = new TokenService({ key: new Uint8Array(randomBytes(32)) });
    auth = new Authenticator({ users, tokens });
    users.createUser("alice", { admin: true });
    users.createUser("bob");
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a login token for its own user only", async () => {
    const token = await tokens.issueLoginToken("bob");
    expect(await auth.authenticateBasic("bob", token)).toEqual({ name: "bob", admin: false });
    expect(await auth.authenticateBasic("alice", token)).toBeUndefined();
  });

  it("accepts an access key secret with the user name or the key id", async () => {
    const key = users.createAccessKey("alice");
    expect(await auth.authenticateBasic("alice", key.secret)).toEqual({ name: "alice", admin: true });
    expect(await auth.authenticateBasic(key.id, key.secret)).toEqual({ name: "alice", admin: true });
    expect(await auth.authenticateBasic("bob", key.secret)).toBeUndefined();
  });

  it("refuses wrong passwords", async () => {
    const key = users.createAccessKey("bob");
    const other = users.createAccessKey("alice");
    for (const [user, password] of [
      ["bob", "wrong"],
      ["bob", ""],
      ["", key.secret],
      [key.id, other.secret],
      ["bob", `${key.secret.slice(0, -1)}${key.secret.endsWith("A") ? "B" : "A"}`],
      ["bob", "a.b.c"],
      ["nobody", key.secret],
    ] as const) {
      expect(await auth.authenticateBasic(user, password), `${user}:${password}`).toBeUndefined();
    }
  });

  it("refuses users deleted after their credentials were issued", async () => {
    const token = await tokens.issueLoginToken("bob");
    users.deleteUser("bob");
    expect(await auth.authenticateBasic("bob", token)).toBeUndefined();
  });

  it("reads admin rights from the store, not from the credential", async () => {
    users.createUser("carol");
    const token = await tokens.issueLoginToken("carol");
    users.deleteUser("carol");
    users.createUser("carol", { admin: true });
    expect(await auth.authenticateBasic("carol", token)).toEqual({ name: "carol", admin: true });
  });

  it("parses Basic headers through the instance too", () => {
    expect(auth.parseBasicAuthorization(basic("bob", "pw"))).toEqual({ username: "bob", password: "pw" });
  });
});

describe("parseBasicAuthorization", () => {
  it("splits at the first colon and ignores the scheme's case", () => {
    expect(parseBasicAuthorization(basic("bob", "a:b:c"))).toEqual({ username: "bob", password: "a:b:c" });
    expect(parseBasicAuthorization(basic("bob", "").replace("Basic", "BASIC"))).toEqual({
      username: "bob",
      password: "",
    });
  });

  it.each([
    "",
    "Basic",
    "Basic ",
    "Bearer abc",
    "Basic !!!",
    `Basic ${Buffer.from("nocolon").toString("base64")}`,
  ])("rejects %j", (header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});
