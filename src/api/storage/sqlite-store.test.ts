import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "./sqlite-store.js";
import { describeStoreContract } from "./store-contract.test-suite.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "skiff-sqlite-store-"));
}

describeStoreContract("SqliteStore", async () => {
  const dir = await tempDir();
  const store = SqliteStore.open(dir, { historyRevisions: 1, historyMinAgeMs: 0, compactEveryMs: 0 });
  return {
    store,
    compact: () => Promise.resolve(store.compact()),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("SqliteStore", () => {
  it("keeps revisions, history and compaction across a reopen", async () => {
    const dir = await tempDir();
    try {
      const first = SqliteStore.open(dir, { compactEveryMs: 0 });
      const a = await first.create("/k/a", Buffer.from("1"));
      await first.update("/k/a", Buffer.from("2"), a.modRevision);
      await first.close();
      const second = SqliteStore.open(dir, { compactEveryMs: 0 });
      expect(await second.currentRevision()).toBe(a.modRevision + 1);
      const at = await second.list("/k/", { revision: a.modRevision });
      expect(at.items.map((i) => i.value.toString())).toEqual(["1"]);
      const b = await second.create("/k/b", Buffer.from("x"));
      expect(b.modRevision).toBe(a.modRevision + 2);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("pages the same without counting the rest when asked not to (count: false)", async () => {
    const dir = await tempDir();
    const store = SqliteStore.open(dir, { compactEveryMs: 0 });
    try {
      for (const k of ["a", "b", "c", "d"]) await store.create(`/k/${k}`, Buffer.from(k));
      const { revision } = await store.list("/k/", { limit: 1 });
      await store.create("/k/e", Buffer.from("e")); // pages after it read at the older revision
      for (const opts of [{ limit: 2 }, { limit: 2, startAfter: "/k/a", revision }]) {
        const counted = await store.list("/k/", opts);
        const uncounted = await store.list("/k/", { ...opts, count: false });
        expect(uncounted).toEqual({ ...counted, remaining: 0 });
        expect(counted.remaining).toBeGreaterThan(0);
      }
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps young history whatever its length", async () => {
    const dir = await tempDir();
    let now = 1_000_000;
    const store = SqliteStore.open(dir, {
      historyRevisions: 1,
      historyMinAgeMs: 60_000,
      compactEveryMs: 0,
      now: () => now,
    });
    try {
      for (let i = 0; i < 5; i++) await store.create(`/k/${i}`, Buffer.from("x"));
      expect(store.compact()).toBe(0);
      now += 120_000;
      await store.create("/k/late", Buffer.from("y"));
      expect(store.compact()).toBe(5);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("creates at a useful rate, one at a time and concurrently (printed, not asserted)", async () => {
    const dir = await tempDir();
    const store = SqliteStore.open(dir, { compactEveryMs: 0 });
    try {
      const n = 500;
      const value = Buffer.from(
        JSON.stringify({ kind: "Pod", metadata: { name: "p" }, spec: { containers: [] } }),
      );
      let started = performance.now();
      const latencies: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await store.create(`/registry/core/pods/default/p${i}`, value);
        latencies.push(performance.now() - t0);
      }
      const serial = Math.round((n / (performance.now() - started)) * 1000);
      latencies.sort((x, y) => x - y);
      const p99 = (latencies[Math.floor(n * 0.99)] ?? 0).toFixed(2);
      started = performance.now();
      await Promise.all(
        Array.from({ length: n }, (_, i) => store.create(`/registry/core/pods/other/p${i}`, value)),
      );
      const grouped = Math.round((n / (performance.now() - started)) * 1000);
      console.log(
        `SqliteStore: ${serial} creates/s one at a time (p99 ${p99} ms), ${grouped} creates/s with ${n} in flight`,
      );
      expect((await store.list("/registry/core/pods/")).items).toHaveLength(2 * n);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("SqliteStore watchers", () => {
  it("ends a watcher that falls too far behind instead of holding writers up", async () => {
    const dir = await tempDir();
    const store = SqliteStore.open(dir, { compactEveryMs: 0, watcherQueueLimit: 5 });
    const ac = new AbortController();
    try {
      const slow = store.watch("/k/", 0, ac.signal);
      for (let i = 0; i < 20; i++) await store.create(`/k/${i}`, Buffer.from("x"));
      await expect(slow[Symbol.asyncIterator]().next()).rejects.toMatchObject({ name: "CompactedError" });
      // A reader keeping up is unaffected.
      const fast = store.watch("/k/", await store.currentRevision(), ac.signal);
      const next = fast[Symbol.asyncIterator]().next();
      await store.create("/k/late", Buffer.from("y"));
      expect((await next).value).toMatchObject({ key: "/k/late" });
    } finally {
      ac.abort();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
