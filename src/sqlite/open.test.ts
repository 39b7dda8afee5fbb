import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "./open.js";

describe("openDatabase", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("applies each migration once, in order, across reopenings", () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-sqlite-"));
    dirs.push(dir);
    const path = join(dir, "t.db");
    const calls: number[] = [];
    const first = [
      (db: Db) => {
        calls.push(1);
        db.exec("CREATE TABLE a (x INTEGER)");
      },
    ];
    openDatabase(path, { migrations: first }).close();
    const second = [
      ...first,
      (db: Db) => {
        calls.push(2);
        db.exec("CREATE TABLE b (y INTEGER)");
      },
    ];
    const db = openDatabase(path, { migrations: second });
    expect(calls).toEqual([1, 2]);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});
