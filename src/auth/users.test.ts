import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../sqlite/open.js";
import type { Db } from "../sqlite/open.js";
import { isAccessKeyId } from "./access-keys.js";
import { AccessKeyNotFoundError, InvalidNameError, UserExistsError, UserNotFoundError } from "./errors.js";
import { UserStore, authMigrations } from "./users.js";

describe("UserStore", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  function open(path?: string): { db: Db; path: string } {
    let file = path;
    if (!file) {
      const dir = mkdtempSync(join(tmpdir(), "skiff-auth-users-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      file = join(dir, "auth.db");
    }
    const db = openDatabase(file, { migrations: authMigrations });
    cleanups.unshift(() => db.close());
    return { db, path: file };
  }

  function store(now?: () => number) {
    return new UserStore(open().db, now ? { now } : {});
  }

  it("creates, lists, gets and deletes users", () => {
    const users = store(() => 1_000);
    expect(users.createUser("bob")).toEqual({ name: "bob", admin: false, createdAt: new Date(1_000) });
    users.createUser("alice", { admin: true });
    expect(users.listUsers().map((u) => [u.name, u.admin])).toEqual([
      ["alice", true],
      ["bob", false],
    ]);
    expect(users.getUser("alice")?.admin).toBe(true);
    expect(users.getUser("carol")).toBeUndefined();
    users.deleteUser("bob");
    expect(users.getUser("bob")).toBeUndefined();
    expect(() => users.deleteUser("bob")).toThrow(UserNotFoundError);
  });

  it("refuses duplicate and invalid names", () => {
    const users = store();
    users.createUser("bob");
    expect(() => users.createUser("bob")).toThrow(UserExistsError);
    for (const name of ["", "Bob", "-bob", "a/b", "a".repeat(65), "anonymous", "*", "bob "]) {
      expect(() => users.createUser(name), name).toThrow(InvalidNameError);
    }
    expect(users.createUser("a.b_c-1").name).toBe("a.b_c-1");
  });

  it("creates access keys whose secrets are returned once and verified by id or user", () => {
    const users = store(() => 5_000);
    users.createUser("bob");
    const key = users.createAccessKey("bob", { description: "ci" });
    expect(isAccessKeyId(key.id)).toBe(true);
    expect(key.id).toMatch(/^SKIA[A-Z2-7]{16}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(users.listAccessKeys("bob")).toEqual([
      { id: key.id, user: "bob", description: "ci", createdAt: new Date(5_000), lastUsedAt: null },
    ]);
    expect(JSON.stringify(users.listAccessKeys())).not.toContain(key.secret);

    expect(users.verifyAccessKey({ id: key.id }, key.secret)).toBe("bob");
    expect(users.verifyAccessKey({ user: "bob" }, key.secret)).toBe("bob");
    expect(users.verifyAccessKey({ user: "alice" }, key.secret)).toBeUndefined();
    expect(users.verifyAccessKey({ id: key.id }, `${key.secret.slice(0, -1)}x`)).toBeUndefined();
    expect(users.verifyAccessKey({ id: "SKIAAAAAAAAAAAAAAAAA" }, key.secret)).toBeUndefined();
    expect(users.verifyAccessKey({ id: key.id }, "short")).toBeUndefined();
  });

  it("stores only a hash of the secret", () => {
    const { db } = open();
    const users = new UserStore(db);
    users.createUser("bob");
    const key = users.createAccessKey("bob");
    const dump = JSON.stringify(db.prepare("SELECT * FROM access_keys").all());
    expect(dump).not.toContain(key.secret);
  });

  it("records the last use at most once a minute", () => {
    const clock = { now: 0 };
    const users = store(() => clock.now);
    users.createUser("bob");
    const key = users.createAccessKey("bob");
    const lastUsed = () => users.listAccessKeys("bob")[0]?.lastUsedAt?.getTime();
    clock.now = 10_000;
    users.verifyAccessKey({ id: key.id }, key.secret);
    expect(lastUsed()).toBe(10_000);
    clock.now = 69_999;
    users.verifyAccessKey({ id: key.id }, key.secret);
    expect(lastUsed()).toBe(10_000);
    clock.now = 70_000;
    users.verifyAccessKey({ id: key.id }, key.secret);
    expect(lastUsed()).toBe(70_000);
  });

  it("deletes keys, and a user's keys with the user", () => {
    const users = store();
    users.createUser("bob");
    users.createUser("carol");
    const a = users.createAccessKey("bob");
    const b = users.createAccessKey("bob");
    const c = users.createAccessKey("carol");
    users.deleteAccessKey(a.id);
    expect(() => users.deleteAccessKey(a.id)).toThrow(AccessKeyNotFoundError);
    expect(users.verifyAccessKey({ id: a.id }, a.secret)).toBeUndefined();
    users.deleteUser("bob");
    expect(users.verifyAccessKey({ id: b.id }, b.secret)).toBeUndefined();
    expect(users.listAccessKeys().map((k) => k.id)).toEqual([c.id]);
    expect(() => users.listAccessKeys("bob")).toThrow(UserNotFoundError);
    expect(() => users.createAccessKey("bob")).toThrow(UserNotFoundError);
  });

  it("creates the first admin and its key once, across reopenings and deletion", () => {
    const { db, path } = open();
    const users = new UserStore(db);
    const first = users.ensureAdmin();
    expect(first.created).toBe(true);
    if (!first.created) return;
    expect(first.user).toMatchObject({ name: "skiff", admin: true });
    expect(users.verifyAccessKey({ id: first.key.id }, first.key.secret)).toBe("skiff");
    expect(users.ensureAdmin()).toEqual({ created: false });

    const again = new UserStore(open(path).db);
    expect(again.ensureAdmin()).toEqual({ created: false });
    again.deleteUser("skiff");
    expect(again.ensureAdmin()).toEqual({ created: false });
    expect(again.getUser("skiff")).toBeUndefined();
  });

  it("does not bootstrap over an existing user of that name", () => {
    const users = store();
    users.createUser("root");
    expect(users.ensureAdmin("root")).toEqual({ created: false });
    expect(users.getUser("root")?.admin).toBe(false);
    expect(() => users.ensureAdmin("Root")).toThrow(InvalidNameError);
  });
});
