// The registry over the real SQLite store (behind secret encryption, as the server runs it):
// object semantics, pagination and watch history on disk, 410s after compaction, the garbage
// collector, and state surviving a reopen.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyJsonPatch } from "../src/api/patch/json-patch.js";
import { updateManagedFields } from "../src/api/patch/managed-fields.js";
import { applyMergePatch } from "../src/api/patch/merge-patch.js";
import { applyServerSideApply } from "../src/api/patch/server-side-apply.js";
import { applyStrategicMergePatch } from "../src/api/patch/strategic-merge.js";
import type { WriteOptions } from "../src/api/registry/options.js";
import { ApiRegistry } from "../src/api/registry/registry.js";
import { builtinCatalog } from "../src/api/resources/catalog.js";
import type { ResourceDef } from "../src/api/resources/def.js";
import { EncryptingStore } from "../src/api/storage/encrypting-store.js";
import { SqliteStore } from "../src/api/storage/sqlite-store.js";
import type { KubeObject, WatchEvent } from "../src/api/types.js";

const KEY = randomBytes(32);
const SECRET = "registry-test-secret-value-0123456789";
const catalog = builtinCatalog();
const iterate = <T>(it: AsyncIterable<T>): AsyncIterator<T> => it[Symbol.asyncIterator]();
const logger = pino({ level: "silent" });
const patch = {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  applyServerSideApply,
  updateManagedFields,
};
const w: WriteOptions = {
  user: { name: "test", groups: ["system:masters"] },
  dryRun: false,
  fieldManager: "test",
};

function def(group: string, version: string, resource: string): ResourceDef {
  const d = catalog.get(group, version, resource);
  if (!d) throw new Error(`${resource} not served`);
  return d;
}
const namespaces = def("", "v1", "namespaces");
const configmaps = def("", "v1", "configmaps");
const deployments = def("apps", "v1", "deployments");
const replicasets = def("apps", "v1", "replicasets");
const secrets = def("", "v1", "secrets");

const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data: { name },
});

describe("registry over SqliteStore", () => {
  let dir: string;
  let store: SqliteStore;
  let registry: ApiRegistry;

  const open = async (): Promise<void> => {
    store = SqliteStore.open(dir, { compactEveryMs: 0, historyRevisions: 5, historyMinAgeMs: 0 });
    // As the server runs it: Secrets encrypted on their way to SQLite.
    registry = new ApiRegistry({
      store: new EncryptingStore(store, KEY),
      catalog,
      logger,
      patch,
      resyncMs: 300,
    });
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-api-registry-sqlite-"));
    await open();
    await registry.create(
      namespaces,
      undefined,
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } },
      w,
    );
  });

  afterEach(async () => {
    await registry.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates, updates with optimistic concurrency, and keeps everything across a reopen", async () => {
    const a = await registry.create(configmaps, "default", cm("a"), w);
    const b = await registry.update(configmaps, "default", "a", { ...a, data: { v: "2" } }, w);
    await expect(
      registry.update(configmaps, "default", "a", { ...a, data: { v: "3" } }, w),
    ).rejects.toMatchObject({ code: 409 });
    await registry.close();
    await store.close();
    await open();
    const again = await registry.get(configmaps, "default", "a");
    expect(again).toEqual(b);
    const s = await registry.create(
      secrets,
      "default",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { p: SECRET } },
      w,
    );
    expect(s.metadata.uid).toBeDefined();
    expect((await registry.get(secrets, "default", "s")).data).toEqual({
      p: Buffer.from(SECRET).toString("base64"),
    });
    await store.close();
    for (const name of ["state.db", "state.db-wal"]) {
      const file = await readFile(join(dir, name)).catch(() => Buffer.alloc(0));
      expect(file.includes(Buffer.from(SECRET).toString("base64")), name).toBe(false);
    }
    await open();
  });

  it("pages a list at one revision and answers 410 once that revision is compacted", async () => {
    for (let i = 0; i < 6; i++) await registry.create(configmaps, "default", cm(`c${i}`), w);
    const p1 = await registry.list(configmaps, "default", { limit: 4 });
    expect(p1.items).toHaveLength(4);
    expect(p1.metadata.remainingItemCount).toBe(2);
    const p2 = await registry.list(configmaps, "default", {
      limit: 4,
      continue: p1.metadata.continue as string,
    });
    expect(p2.items.map((i) => i.metadata.name)).toEqual(["c4", "c5"]);
    for (let i = 0; i < 8; i++)
      await registry.patch(configmaps, "default", "c0", "merge", { data: { n: String(i) } }, w);
    store.compact();
    await expect(
      registry.list(configmaps, "default", { limit: 4, continue: p1.metadata.continue as string }),
    ).rejects.toMatchObject({
      code: 410,
    });
  });

  it("watches from a list's revision, and sends 410 Expired for compacted history", async () => {
    const list = await registry.list(configmaps, "default", {});
    const abort = new AbortController();
    const it1 = iterate(
      registry.watch(
        configmaps,
        "default",
        { resourceVersion: list.metadata.resourceVersion, labelSelector: "app=web" },
        abort.signal,
      ),
    );
    const a = await registry.create(configmaps, "default", cm("a", { app: "web" }), w);
    await registry.create(configmaps, "default", cm("b", { app: "db" }), w);
    await registry.update(
      configmaps,
      "default",
      "a",
      { ...a, metadata: { ...a.metadata, labels: { app: "db" } } },
      w,
    );
    const evs = [(await it1.next()).value, (await it1.next()).value] as WatchEvent[];
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED a", "DELETED a"]);
    abort.abort();

    for (let i = 0; i < 10; i++)
      await registry.patch(configmaps, "default", "b", "merge", { data: { n: String(i) } }, w);
    store.compact();
    const old = iterate(
      registry.watch(secrets, "default", { resourceVersion: "2" }, new AbortController().signal),
    );
    const first = (await old.next()).value as WatchEvent;
    expect(first).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
  });

  it("collects the dependents of a deleted owner", async () => {
    registry.start();
    const d = await registry.create(
      deployments,
      "default",
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "busybox" }] },
          },
        },
      },
      w,
    );
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "web-1",
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "web",
            uid: d.metadata.uid as string,
            controller: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "busybox" }] },
        },
      },
    };
    await registry.create(replicasets, "default", rs, w);
    await registry.delete(deployments, "default", "web", { ...w, propagationPolicy: "Background" });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const left = await registry.list(replicasets, "default", {});
      if (left.items.length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the ReplicaSet was not collected");
  });
});
