// kill -9 of a process writing to the cluster API's SQLite store loses no acknowledged write:
// after reopening, every acknowledged object is there with its last value, revisions continue
// from where they were, the change log replays without a gap, and each key's current revision
// is its last logged change.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/api/storage/sqlite-store.js";
import type { StoreEvent } from "../src/api/storage/store.js";
import { exited, killOnExit, onLines } from "./support/child.js";

const WRITERS = 8;

describe("kill -9 while writing to the SQLite store", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged write and a gapless history", async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-store-crash-"));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/api/storage/testing/crash-child.ts", dir, String(WRITERS)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    killOnExit(child);
    // The last acknowledged i of each writer, and the highest acknowledged revision.
    const acked = new Map<number, number>();
    let ackedRev = 0;
    let count = 0;
    await new Promise<void>((resolve) => {
      onLines(child.stdout, (line) => {
        const m = /^ack (\d+) (\d+) (\d+)$/.exec(line);
        if (!m) return;
        acked.set(Number(m[1]), Number(m[2]));
        ackedRev = Math.max(ackedRev, Number(m[3]));
        // Killed at an arbitrary point, with writes of the other writers in flight.
        if (++count === 400) setTimeout(() => child.kill("SIGKILL"), Math.random() * 20);
      });
      child.once("exit", () => resolve());
    });
    await exited(child);
    expect(count).toBeGreaterThanOrEqual(400);

    const store = SqliteStore.open(dir, { compactEveryMs: 0 });
    try {
      const revision = await store.currentRevision();
      expect(revision).toBeGreaterThanOrEqual(ackedRev);
      for (const [w, last] of acked) {
        for (let i = 0; i <= last; i++) {
          const got = await store.get(`/registry/core/configmaps/default/c${w}-${i}`);
          expect(JSON.parse(got?.value.toString() ?? "null")).toEqual({ w, i, v: i % 2 === 0 ? 2 : 1 });
        }
      }
      const ac = new AbortController();
      const events: StoreEvent[] = [];
      for await (const ev of store.watch("/registry/", 0, ac.signal)) {
        events.push(ev);
        if (events.length === revision) ac.abort();
      }
      expect(events.map((e) => e.modRevision)).toEqual(Array.from({ length: revision }, (_, k) => k + 1));
      const lastLogged = new Map(events.map((e) => [e.key, e.modRevision]));
      const { items } = await store.list("/registry/");
      expect(items.length).toBe(lastLogged.size);
      for (const o of items) expect(o.modRevision).toBe(lastLogged.get(o.key));
      const next = await store.create("/registry/core/configmaps/default/after", Buffer.from("{}"));
      expect(next.modRevision).toBe(revision + 1);
    } finally {
      await store.close();
    }
  });
});
