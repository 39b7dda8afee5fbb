// kill -9 of a process writing to the cluster API's SQLite store loses no acknowledged write:
// after reopening, every acknowledged object is there with its last value, revisions continue
// from where they were, and the change log replays without a gap.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/api/storage/sqlite-store.js";
import { exited, killOnExit, onLines } from "./support/child.js";

describe("kill -9 while writing to the SQLite store", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged write and a gapless history", async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-store-crash-"));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/api/storage/testing/crash-child.ts", dir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    killOnExit(child);
    let acked = { i: -1, rev: 0 };
    await new Promise<void>((resolve) => {
      onLines(child.stdout, (line) => {
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (!m) return;
        acked = { i: Number(m[1]), rev: Number(m[2]) };
        if (acked.i === 150) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await exited(child);
    expect(acked.i).toBeGreaterThanOrEqual(150);

    const store = SqliteStore.open(dir, { compactEveryMs: 0 });
    try {
      const revision = await store.currentRevision();
      expect(revision).toBeGreaterThanOrEqual(acked.rev);
      for (let i = 0; i <= acked.i; i++) {
        const got = await store.get(`/registry/core/configmaps/default/c${i}`);
        expect(JSON.parse(got?.value.toString() ?? "null")).toEqual({ i, v: i % 2 === 0 ? 2 : 1 });
      }
      const ac = new AbortController();
      const revs: number[] = [];
      for await (const ev of store.watch("/registry/", 0, ac.signal)) {
        revs.push(ev.modRevision);
        if (revs.length === revision) ac.abort();
      }
      expect(revs).toEqual(Array.from({ length: revision }, (_, k) => k + 1));
      const next = await store.create("/registry/core/configmaps/default/after", Buffer.from("{}"));
      expect(next.modRevision).toBe(revision + 1);
    } finally {
      await store.close();
    }
  });
});
