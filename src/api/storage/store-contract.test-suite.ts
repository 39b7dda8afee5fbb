// The behaviour every Store backend must show (docs/api.md, storage/): one suite, run by each
// backend's own test file against a fresh instance, as the distribution registry does with its
// storage drivers.
import { setMaxListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store, StoreEvent } from "./store.js";

export interface StoreUnderTest {
  store: Store;
  /** Drops all history up to (excluding) the newest revision; returns the compacted revision. */
  compact(): Promise<number>;
  cleanup(): Promise<void>;
}

const b = (s: string) => Buffer.from(s);
const text = (buf: Buffer | undefined) => buf?.toString();

async function collect(
  events: AsyncIterable<StoreEvent>,
  count: number,
  timeoutMs = 5000,
): Promise<StoreEvent[]> {
  const got: StoreEvent[] = [];
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${got.length} of ${count} events arrived`)), timeoutMs).unref(),
  );
  const reading = (async () => {
    for await (const ev of events) {
      got.push(ev);
      if (got.length >= count) break;
    }
    return got;
  })();
  return Promise.race([reading, timer]);
}

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name}: Store contract`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await store.close();
      await t.cleanup();
    });

    it("creates once, reads back, and counts revisions up", async () => {
      const before = await store.currentRevision();
      const a = await store.create("/r/a", b("1"));
      expect(a.createRevision).toBeGreaterThan(before);
      expect(a.modRevision).toBe(a.createRevision);
      expect(await store.currentRevision()).toBe(a.modRevision);
      const got = await store.get("/r/a");
      expect(text(got?.value)).toBe("1");
      expect(got?.modRevision).toBe(a.modRevision);
      await expect(store.create("/r/a", b("2"))).rejects.toMatchObject({ name: "KeyExistsError" });
      expect(text((await store.get("/r/a"))?.value)).toBe("1");
      expect(await store.get("/r/missing")).toBeUndefined();
    });

    it("updates by compare-and-swap on the modification revision", async () => {
      const a = await store.create("/r/a", b("1"));
      const a2 = await store.update("/r/a", b("2"), a.modRevision);
      expect(a2.modRevision).toBeGreaterThan(a.modRevision);
      expect(a2.createRevision).toBe(a.createRevision);
      const stale = store.update("/r/a", b("3"), a.modRevision);
      await expect(stale).rejects.toMatchObject({ name: "RevisionMismatchError" });
      const err = (await stale.catch((e: unknown) => e)) as {
        current: { modRevision: number; value: Buffer };
      };
      expect(err.current.modRevision).toBe(a2.modRevision);
      expect(text(err.current.value)).toBe("2");
      await expect(store.update("/r/none", b("x"), 1)).rejects.toMatchObject({ name: "KeyNotFoundError" });
    });

    it("deletes, optionally by compare-and-swap, answering the deleted object", async () => {
      const a = await store.create("/r/a", b("1"));
      await expect(store.delete("/r/a", a.modRevision + 100)).rejects.toMatchObject({
        name: "RevisionMismatchError",
      });
      const gone = await store.delete("/r/a", a.modRevision);
      expect(text(gone.value)).toBe("1");
      expect(await store.get("/r/a")).toBeUndefined();
      await expect(store.delete("/r/a")).rejects.toMatchObject({ name: "KeyNotFoundError" });
      const again = await store.create("/r/a", b("new"));
      expect(again.createRevision).toBeGreaterThan(a.createRevision);
    });

    it("lists a prefix in key order with limit, remaining and a start key", async () => {
      for (const k of ["c", "a", "e", "b", "d"]) await store.create(`/r/ns/${k}`, b(k));
      await store.create("/r/nsx/z", b("other prefix"));
      await store.create("/r/n", b("shorter key"));
      const all = await store.list("/r/ns/");
      expect(all.items.map((i) => text(i.value))).toEqual(["a", "b", "c", "d", "e"]);
      expect(all.more).toBe(false);
      expect(all.revision).toBe(await store.currentRevision());
      const page1 = await store.list("/r/ns/", { limit: 2 });
      expect(page1.items.map((i) => i.key)).toEqual(["/r/ns/a", "/r/ns/b"]);
      expect(page1).toMatchObject({ more: true, remaining: 3 });
      const page2 = await store.list("/r/ns/", { limit: 2, startAfter: "/r/ns/b" });
      expect(page2.items.map((i) => i.key)).toEqual(["/r/ns/c", "/r/ns/d"]);
      const page3 = await store.list("/r/ns/", { limit: 2, startAfter: "/r/ns/d" });
      expect(page3.items.map((i) => i.key)).toEqual(["/r/ns/e"]);
      expect(page3).toMatchObject({ more: false, remaining: 0 });
    });

    it("lists more than one gRPC message holds (5 MiB) in one consistent answer", async () => {
      const big = Buffer.alloc(5 * 1024, "x");
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) => store.create(`/r/big/${String(i).padStart(4, "0")}`, big)),
      );
      const all = await store.list("/r/big/");
      expect(all.items).toHaveLength(1000);
      expect(all.more).toBe(false);
      expect(all.items[999]?.key).toBe("/r/big/0999");
      const page = await store.list("/r/big/", { limit: 600 });
      expect(page).toMatchObject({ more: true, remaining: 400 });
      expect(page.items).toHaveLength(600);
    }, 30_000);

    it("lists as of an older revision: later writes stay invisible to the next pages", async () => {
      for (const k of ["a", "b", "c", "d"]) await store.create(`/r/p/${k}`, b(`${k}1`));
      const page1 = await store.list("/r/p/", { limit: 2 });
      const at = page1.revision;
      const c = await store.get("/r/p/c");
      await store.update("/r/p/c", b("c2"), c?.modRevision ?? 0);
      await store.delete("/r/p/d");
      await store.create("/r/p/e", b("e1"));
      await store.create("/r/p/bb", b("bb1"));
      const page2 = await store.list("/r/p/", { limit: 2, startAfter: "/r/p/b", revision: at });
      expect(page2.revision).toBe(at);
      expect(page2.items.map((i) => text(i.value))).toEqual(["c1", "d1"]);
      expect(page2.items[0]?.modRevision).toBe(c?.modRevision);
      expect(page2.more).toBe(false);
      const now = await store.list("/r/p/");
      expect(now.items.map((i) => text(i.value))).toEqual(["a1", "b1", "bb1", "c2", "e1"]);
    });

    it("watches: replays history after a revision, then live changes, in order and once", async () => {
      const a = await store.create("/r/w/a", b("1"));
      await store.update("/r/w/a", b("2"), a.modRevision);
      await store.create("/r/other/x", b("not watched"));
      const ac = new AbortController();
      const events = store.watch("/r/w/", a.modRevision - 1, ac.signal);
      const reading = collect(events, 23);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++)
        writes.push(store.create(`/r/w/k${String(i).padStart(2, "0")}`, b(`v${i}`)));
      await Promise.all(writes);
      await store.delete("/r/w/a");
      const got = await reading;
      ac.abort();
      expect(got.map((e) => e.type)).toEqual(["put", "put", ...Array<string>(20).fill("put"), "delete"]);
      const revs = got.map((e) => e.modRevision);
      expect([...revs].sort((x, y) => x - y)).toEqual(revs);
      expect(new Set(revs).size).toBe(revs.length);
      expect(text(got[1]?.type === "put" ? got[1].prevValue : undefined)).toBe("1");
      const del = got[22];
      expect(del?.type === "delete" && text(del.prevValue)).toBe("2");
      expect(got.every((e) => e.key.startsWith("/r/w/"))).toBe(true);
    });

    it("watches without previous values when asked (prevValues: false), the rest alike", async () => {
      const from = await store.currentRevision();
      const a = await store.create("/r/p/a", b("1"));
      await store.update("/r/p/a", b("2"), a.modRevision);
      await store.delete("/r/p/a");
      const ac = new AbortController();
      const got = await collect(store.watch("/r/p/", from, ac.signal, { prevValues: false }), 3);
      ac.abort();
      expect(got.map((e) => [e.type, e.key, e.type === "put" ? text(e.value) : ""])).toEqual([
        ["put", "/r/p/a", "1"],
        ["put", "/r/p/a", "2"],
        ["delete", "/r/p/a", ""],
      ]);
      expect(got.map((e) => e.modRevision)).toEqual([a.modRevision, a.modRevision + 1, a.modRevision + 2]);
    });

    it("ends a watch when its signal aborts", async () => {
      const ac = new AbortController();
      const events = store.watch("/r/", await store.currentRevision(), ac.signal);
      const done = (async () => {
        const seen: StoreEvent[] = [];
        for await (const ev of events) seen.push(ev);
        return seen;
      })();
      await store.create("/r/one", b("1"));
      await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      const seen = await done;
      expect(seen.map((e) => e.key)).toEqual(["/r/one"]);
    });

    it("delivers every change to each of many watchers", async () => {
      const start = await store.currentRevision();
      const ac = new AbortController();
      setMaxListeners(100, ac.signal); // one signal for 50 watchers is this test's shortcut
      const readers = Array.from({ length: 50 }, () => collect(store.watch("/r/m/", start, ac.signal), 10));
      for (let i = 0; i < 10; i++) await store.create(`/r/m/${i}`, b(String(i)));
      const all = await Promise.all(readers);
      ac.abort();
      for (const got of all)
        expect(got.map((e) => e.key)).toEqual(Array.from({ length: 10 }, (_, i) => `/r/m/${i}`));
    });

    it("watches started amid concurrent writes miss nothing and repeat nothing", async () => {
      // Writers run while watchers start from whatever revision is current at the time: each
      // watcher must see exactly the acknowledged writes after its start, once each, in order.
      const acked: number[] = [];
      const ac = new AbortController();
      const watchers: Array<{ from: number; got: Promise<StoreEvent[]> }> = [];
      const writes: Promise<void>[] = [];
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 10; i++) {
          writes.push(
            store.create(`/r/cw/${round}-${i}`, b("x")).then((o) => {
              acked.push(o.modRevision);
            }),
          );
        }
        const from = await store.currentRevision();
        watchers.push({ from, got: Promise.resolve([]) });
        const w = watchers[watchers.length - 1] as { from: number; got: Promise<StoreEvent[]> };
        const events = store.watch("/r/cw/", from, ac.signal);
        w.got = (async () => {
          const seen: StoreEvent[] = [];
          for await (const ev of events) {
            seen.push(ev);
            if (ev.key === "/r/cw/done") break;
          }
          return seen;
        })();
        await new Promise((r) => setTimeout(r, round % 3));
      }
      await Promise.all(writes);
      await store.create("/r/cw/done", b("end"));
      const results = await Promise.all(watchers.map((w) => w.got));
      ac.abort();
      acked.sort((x, y) => x - y);
      results.forEach((seen, i) => {
        const from = (watchers[i] as { from: number }).from;
        const revs = seen.filter((e) => e.key !== "/r/cw/done").map((e) => e.modRevision);
        expect(revs).toEqual(acked.filter((r) => r > from));
      });
    });

    it("refuses history older than compaction, for lists and for watches", async () => {
      const first = await store.create("/r/c/a", b("1"));
      for (let i = 0; i < 5; i++) await store.create(`/r/c/${i}`, b("x"));
      const compacted = await t.compact();
      expect(compacted).toBeGreaterThan(first.modRevision);
      await expect(store.list("/r/c/", { revision: first.modRevision })).rejects.toMatchObject({
        name: "CompactedError",
      });
      const ac = new AbortController();
      const old = store.watch("/r/c/", first.modRevision - 1, ac.signal);
      await expect(collect(old, 1)).rejects.toMatchObject({ name: "CompactedError" });
      ac.abort();
      // History from the compacted revision on is still served.
      const fresh = new AbortController();
      const recent = store.watch("/r/c/", compacted, fresh.signal);
      const next = collect(recent, 2);
      await store.create("/r/c/after", b("y"));
      expect((await next).map((e) => e.key)).toEqual(["/r/c/4", "/r/c/after"]);
      fresh.abort();
    });
  });
}
