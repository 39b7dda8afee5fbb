import { describe, expect, it } from "vitest";
import type { WatchEvent } from "../types.js";
import { configMap, defs, iterate, newRegistry, take, writeOpts } from "./registry.test-util.js";

const names = (evs: WatchEvent[]): string[] =>
  evs.map((e) => `${e.type} ${e.object.metadata.name ?? e.object.metadata.resourceVersion}`);

describe("watch", () => {
  it("starts with synthetic ADDED events when resourceVersion is unset or 0, then follows changes", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const abort = new AbortController();
    const it1 = iterate(registry.watch(defs.configmaps, "default", { resourceVersion: "0" }, abort.signal));
    expect(names([(await it1.next()).value as WatchEvent])).toEqual(["ADDED a"]);
    const b = await registry.create(defs.configmaps, "default", configMap("b"), writeOpts());
    await registry.update(defs.configmaps, "default", "b", { ...b, data: { x: "1" } }, writeOpts());
    await registry.delete(defs.configmaps, "default", "a", writeOpts());
    const rest: WatchEvent[] = [];
    for (let i = 0; i < 3; i++) rest.push((await it1.next()).value as WatchEvent);
    expect(names(rest)).toEqual(["ADDED b", "MODIFIED b", "DELETED a"]);
    expect(Number(rest[2]?.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(rest[1]?.object.metadata.resourceVersion),
    );
    abort.abort();
    expect((await it1.next()).done).toBe(true);
  });

  it("replays changes after a resourceVersion, in order, and respects namespaces", async () => {
    const { registry } = await newRegistry();
    const list = await registry.list(defs.configmaps, "default", {});
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    await registry.create(defs.configmaps, "default", configMap("b"), writeOpts());
    const abort = new AbortController();
    const evs = await take(
      registry.watch(
        defs.configmaps,
        "default",
        { resourceVersion: list.metadata.resourceVersion },
        abort.signal,
      ),
      2,
    );
    expect(names(evs)).toEqual(["ADDED a", "ADDED b"]);
    abort.abort();
  });

  it("sends DELETED when an object leaves the selection and ADDED when it enters", async () => {
    const { registry } = await newRegistry();
    const a = await registry.create(
      defs.configmaps,
      "default",
      configMap("a", {}, { app: "web" }),
      writeOpts(),
    );
    const abort = new AbortController();
    const it1 = iterate(
      registry.watch(
        defs.configmaps,
        "default",
        { labelSelector: "app=web", resourceVersion: a.metadata.resourceVersion },
        abort.signal,
      ),
    );
    const a2 = await registry.update(
      defs.configmaps,
      "default",
      "a",
      { ...a, metadata: { ...a.metadata, labels: { app: "db" } } },
      writeOpts(),
    );
    await registry.update(
      defs.configmaps,
      "default",
      "a",
      { ...a2, metadata: { ...a2.metadata, labels: { app: "web" } } },
      writeOpts(),
    );
    const evs = [(await it1.next()).value, (await it1.next()).value] as WatchEvent[];
    expect(names(evs)).toEqual(["DELETED a", "ADDED a"]);
    abort.abort();
  });

  it("sends bookmarks when asked, and the initial-events-end bookmark", async () => {
    const { registry } = await newRegistry({ watchCache: { bookmarkIntervalMs: 20 } });
    await registry.create(defs.configmaps, "default", configMap("a"), writeOpts());
    const abort = new AbortController();
    const evs = await take(
      registry.watch(
        defs.configmaps,
        "default",
        { sendInitialEvents: true, allowWatchBookmarks: true },
        abort.signal,
      ),
      2,
    );
    expect(evs[1]).toMatchObject({
      type: "BOOKMARK",
      object: {
        kind: "ConfigMap",
        apiVersion: "v1",
        metadata: { annotations: { "k8s.io/initial-events-end": "true" } },
      },
    });
    // The cache now covers the current revision: a watcher from there gets bookmarks.
    const b = await registry.create(defs.configmaps, "default", configMap("b"), writeOpts());
    const from = String(Number(b.metadata.resourceVersion) - 1);
    const it2 = iterate(
      registry.watch(
        defs.configmaps,
        "default",
        { resourceVersion: from, allowWatchBookmarks: true },
        abort.signal,
      ),
    );
    const first = (await it2.next()).value as WatchEvent;
    expect(first.type).toBe("ADDED");
    const bm = (await it2.next()).value as WatchEvent;
    expect(bm).toMatchObject({
      type: "BOOKMARK",
      object: { metadata: { resourceVersion: b.metadata.resourceVersion } },
    });
    abort.abort();
  });

  it("answers a too-old resourceVersion with an ERROR 410 Expired event", async () => {
    const { registry, store } = await newRegistry();
    for (let i = 0; i < 3; i++)
      await registry.create(defs.configmaps, "default", configMap(`c${i}`), writeOpts());
    store.compact(await store.currentRevision());
    const abort = new AbortController();
    const evs = await take(
      registry.watch(defs.configmaps, "default", { resourceVersion: "1" }, abort.signal),
      1,
    );
    expect(evs[0]).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
    expect(evs[0]?.object).toMatchObject({
      message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/),
    });
  });

  it("rejects bad selectors before streaming", async () => {
    const { registry } = await newRegistry();
    expect(() =>
      registry.watch(defs.configmaps, "default", { fieldSelector: "x=y" }, new AbortController().signal),
    ).toThrow("field label not supported: x");
  });

  it("ends at timeoutSeconds", async () => {
    const { registry } = await newRegistry();
    const started = Date.now();
    const evs = await take(
      registry.watch(
        defs.configmaps,
        "default",
        { resourceVersion: "1", timeoutSeconds: 0.2 },
        new AbortController().signal,
      ),
      5,
    );
    expect(evs).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fans every event out to 500 watchers, in order", async () => {
    const { registry } = await newRegistry();
    const abort = new AbortController();
    const rv = (await registry.list(defs.configmaps, "default", {})).metadata.resourceVersion;
    const watchers = Array.from({ length: 500 }, () =>
      take(registry.watch(defs.configmaps, "default", { resourceVersion: rv }, abort.signal), 20),
    );
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    for (let i = 0; i < 20; i++)
      await registry.create(
        defs.configmaps,
        "default",
        configMap(`c${String(i).padStart(2, "0")}`),
        writeOpts(),
      );
    const all = await Promise.all(watchers);
    const elapsed = Date.now() - started;
    const want = Array.from({ length: 20 }, (_, i) => `ADDED c${String(i).padStart(2, "0")}`);
    for (const evs of all) expect(names(evs)).toEqual(want);
    expect(elapsed).toBeLessThan(2000);
    abort.abort();
  });
});

describe("registry close", () => {
  it("ends open watches", async () => {
    const { registry } = await newRegistry();
    const pending = take(
      registry.watch(defs.configmaps, "default", { resourceVersion: "1" }, new AbortController().signal),
      1,
    );
    await new Promise((r) => setTimeout(r, 10));
    await registry.close();
    expect(await pending).toEqual([]);
  });
});
