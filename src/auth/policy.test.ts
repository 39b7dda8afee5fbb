import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../sqlite/open.js";
import type { Db } from "../sqlite/open.js";
import { InvalidStatementError, StatementExistsError, StatementNotFoundError } from "./errors.js";
import { PolicyStore } from "./policy.js";
import type { NewStatement } from "./policy.js";
import { authMigrations } from "./schema.js";

const bob = { name: "bob", admin: false };

describe("PolicyStore", () => {
  let dir: string;
  let path: string;
  const dbs: Db[] = [];
  const open = () => {
    const db = openDatabase(path, { migrations: authMigrations });
    dbs.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "skiff-auth-policy-"));
    path = join(dir, "auth.db");
  });
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds, lists and removes statements", () => {
    const policies = new PolicyStore(open(), { now: () => 7_000 });
    const added = policies.addStatement({
      id: "team-pull",
      effect: "allow",
      principal: "bob",
      actions: ["pull", "pull"],
      repository: "team/*",
    });
    expect(added).toEqual({
      id: "team-pull",
      effect: "allow",
      principal: "bob",
      actions: ["pull"],
      repository: "team/*",
      createdAt: new Date(7_000),
    });
    const generated = policies.addStatement({
      effect: "deny",
      principal: "*",
      actions: ["*"],
      repository: "x",
    });
    expect(generated.id).toMatch(/^st-[0-9a-f]{12}$/);
    expect(policies.listStatements()).toEqual([added, generated]);
    expect(() => policies.addStatement({ ...added })).toThrow(StatementExistsError);
    policies.removeStatement("team-pull");
    expect(policies.listStatements()).toEqual([generated]);
    expect(() => policies.removeStatement("team-pull")).toThrow(StatementNotFoundError);
  });

  it.each<[string, Partial<NewStatement>]>([
    ["bad id", { id: "has space" }],
    ["bad effect", { effect: "maybe" as NewStatement["effect"] }],
    ["bad principal", { principal: "Bob" }],
    ["no actions", { actions: [] }],
    ["unknown action", { actions: ["pull", "admin" as NewStatement["actions"][number]] }],
    ["bad pattern", { repository: "team//app" }],
  ])("refuses a statement with %s", (_label, change) => {
    const policies = new PolicyStore(open());
    const valid: NewStatement = { effect: "allow", principal: "bob", actions: ["pull"], repository: "app" };
    expect(() => policies.addStatement({ ...valid, ...change })).toThrow(InvalidStatementError);
    expect(policies.listStatements()).toEqual([]);
  });

  it("evaluates the current statements after its own changes", () => {
    const policies = new PolicyStore(open());
    expect(policies.granted(bob, "team/app", ["pull", "push"])).toEqual([]);
    const s = policies.addStatement({
      effect: "allow",
      principal: "bob",
      actions: ["pull"],
      repository: "team/*",
    });
    expect(policies.granted(bob, "team/app", ["pull", "push"])).toEqual(["pull"]);
    expect(policies.granted(null, "team/app", ["pull"])).toEqual([]);
    expect(policies.granted({ name: "root", admin: true }, "team/app", ["delete"])).toEqual(["delete"]);
    policies.removeStatement(s.id);
    expect(policies.granted(bob, "team/app", ["pull"])).toEqual([]);
  });

  it("sees changes made by another connection, as the CLI makes them", () => {
    const server = new PolicyStore(open());
    const cli = new PolicyStore(open());
    expect(server.granted(null, "public/app", ["pull"])).toEqual([]);
    cli.addStatement({ effect: "allow", principal: "anonymous", actions: ["pull"], repository: "public/**" });
    expect(server.granted(null, "public/app", ["pull"])).toEqual(["pull"]);
  });

  it("hands out copies of its statements", () => {
    const policies = new PolicyStore(open());
    policies.addStatement({ effect: "allow", principal: "bob", actions: ["pull"], repository: "app" });
    policies.listStatements()[0]?.actions.push("push");
    expect(policies.granted(bob, "app", ["push"])).toEqual([]);
  });
});
