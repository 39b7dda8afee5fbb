import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { KeyedMutex } from "../content/keyed-mutex.js";
import { LocalContentStore } from "../content/local-store.js";
import type { Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { openDatabase } from "../sqlite/open.js";
import { GarbageCollector } from "./gc.js";
import { RegistryMetrics } from "./metrics.js";
import { SqliteRegistryMetadata } from "./sqlite-metadata.js";
import { registryMigrations } from "./sqlite-schema.js";

const HOUR = 60 * 60 * 1000;
const GRACE = HOUR;
const UPLOAD_TTL = 24 * HOUR;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "skiff-gc-"));
  // Files get real mtimes, so the shared clock starts at the real time and is moved forward.
  const clock = { value: Date.now() };
  const contentRoot = join(dir, "content");
  const content = await LocalContentStore.open(contentRoot);
  const db = openDatabase(join(dir, "registry.db"), { migrations: registryMigrations });
  const metadata = new SqliteRegistryMetadata(db, () => clock.value);
  const metrics = new RegistryMetrics(new Registry());
  const gc = new GarbageCollector({
    metadata,
    content,
    locks: new KeyedMutex(),
    logger: pino({ level: "silent" }),
    metrics,
    graceMs: GRACE,
    uploadTtlMs: UPLOAD_TTL,
    now: () => clock.value,
  });
  cleanups.push(() => {
    metadata.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stores bytes and links them into `repository`, as a finished upload does. */
  async function pushBlob(repository: string, text: string): Promise<Digest> {
    const info = await content.put(Buffer.from(text));
    metadata.linkBlob(repository, info.digest, info.size);
    return info.digest;
  }

  /** Stores an image manifest over already pushed blobs and records it. */
  async function pushManifest(repository: string, config: Digest, layers: Digest[]): Promise<Digest> {
    const descriptor = (digest: Digest) => ({ mediaType: MediaType.ociLayer, digest, size: 1 });
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, config: descriptor(config), layers: layers.map(descriptor) }),
    );
    const { digest } = await content.put(body);
    metadata.putManifest({
      record: {
        repository,
        digest,
        mediaType: MediaType.ociManifest,
        size: body.length,
        pushedAt: new Date(clock.value),
      },
      blobs: [config, ...layers],
      manifests: [],
    });
    return digest;
  }

  /** Starts an upload with `bytes` received, last written `idleMs` ago (by the real clock). */
  async function startUpload(id: string, bytes: string, options: { idleMs?: number; record?: boolean } = {}) {
    if (options.record !== false) {
      metadata.createUpload({ id, repository: "app", startedAt: new Date(clock.value) });
    }
    const writer = await content.writer(id);
    await writer.append(Readable.from([Buffer.from(bytes)]));
    if (options.idleMs !== undefined) {
      const when = new Date(Date.now() - options.idleMs);
      utimesSync(join(contentRoot, "ingest", id, "data"), when, when);
    }
  }

  const exists = async (digest: Digest) => (await content.info(digest)) !== undefined;
  const advance = (ms: number) => (clock.value += ms);
  return { gc, metadata, content, metrics, clock, advance, pushBlob, pushManifest, startUpload, exists };
}

describe("GarbageCollector", () => {
  it("deletes unreferenced blobs past the grace period and keeps young ones", async () => {
    const t = await setup();
    const old = await t.pushBlob("app", "abandoned layer");
    t.advance(2 * GRACE);
    const young = await t.pushBlob("app", "layer of a push in flight");

    const report = await t.gc.run();
    expect(report).toMatchObject({
      dryRun: false,
      deletedBlobs: [old],
      freedBytes: "abandoned layer".length,
      purgedUploads: [],
    });
    expect(await t.exists(old)).toBe(false);
    expect(t.metadata.getBlobLink("app", old)).toBeUndefined();
    expect(await t.exists(young)).toBe(true);
    expect(t.metadata.getBlobLink("app", young)).toBeDefined();
    expect((await t.metrics.gcDeletedBlobs.get()).values[0]?.value).toBe(1);
  });

  it("keeps blobs that manifests reference, and collects them once the manifest is deleted", async () => {
    const t = await setup();
    const config = await t.pushBlob("app", "config");
    const shared = await t.pushBlob("app", "base layer");
    const own = await t.pushBlob("app", "top layer");
    const kept = await t.pushManifest("app", config, [shared]);
    const doomed = await t.pushManifest("app", config, [shared, own]);
    t.advance(2 * GRACE);

    expect((await t.gc.run()).deletedBlobs).toEqual([]);
    for (const digest of [config, shared, own, kept, doomed]) expect(await t.exists(digest)).toBe(true);

    t.metadata.deleteManifest("app", doomed);
    const report = await t.gc.run();
    expect([...report.deletedBlobs].sort()).toEqual([own, doomed].sort());
    expect(await t.exists(own)).toBe(false);
    expect(await t.exists(doomed)).toBe(false);
    for (const digest of [config, shared, kept]) expect(await t.exists(digest)).toBe(true);
  });

  it("collects files the metadata does not know once they are older than the grace period", async () => {
    const t = await setup();
    const { digest: orphan } = await t.content.put(Buffer.from("committed, never linked"));

    expect((await t.gc.run()).deletedBlobs).toEqual([]);
    expect(await t.exists(orphan)).toBe(true);

    t.advance(2 * GRACE);
    const report = await t.gc.run();
    expect(report.deletedBlobs).toEqual([orphan]);
    expect(report.freedBytes).toBe("committed, never linked".length);
    expect(await t.exists(orphan)).toBe(false);
  });

  it("honours a grace period given for one run", async () => {
    const t = await setup();
    const blob = await t.pushBlob("app", "abandoned");
    t.advance(10 * 60 * 1000);
    expect((await t.gc.run()).deletedBlobs).toEqual([]);
    expect((await t.gc.run({ graceMs: 60 * 1000 })).deletedBlobs).toEqual([blob]);
  });

  it("reports what it would delete on a dry run and deletes nothing", async () => {
    const t = await setup();
    const unlinked = await t.pushBlob("app", "unreferenced");
    const { digest: orphan } = await t.content.put(Buffer.from("orphan file"));
    await t.startUpload("idle-upload", "partial", { idleMs: UPLOAD_TTL + HOUR });
    t.advance(2 * GRACE);

    const report = await t.gc.run({ dryRun: true });
    expect(report.dryRun).toBe(true);
    expect([...report.deletedBlobs].sort()).toEqual([unlinked, orphan].sort());
    expect(report.freedBytes).toBe("unreferenced".length + "orphan file".length);
    expect(report.purgedUploads).toEqual(["idle-upload"]);
    expect(await t.exists(unlinked)).toBe(true);
    expect(await t.exists(orphan)).toBe(true);
    expect(t.metadata.getBlobLink("app", unlinked)).toBeDefined();
    expect(t.metadata.getUpload("idle-upload")).toBeDefined();
    expect(await t.content.status("idle-upload")).toMatchObject({ offset: "partial".length });
    expect((await t.metrics.gcDeletedBlobs.get()).values[0]?.value ?? 0).toBe(0);
  });

  it("purges uploads idle past their time-to-live and keeps active ones", async () => {
    const t = await setup();
    await t.startUpload("active", "recent bytes");
    await t.startUpload("idle", "stale bytes", { idleMs: UPLOAD_TTL + HOUR });
    // Ingests without an upload record (a crash, a failed monolithic push) only get the grace period.
    await t.startUpload("orphan-ingest", "left over", { idleMs: GRACE + HOUR, record: false });
    await t.startUpload("young-ingest", "being written", { record: false });
    // Upload sessions that never received a byte expire by their start time.
    const started = (hoursAgo: number) => new Date(t.clock.value - hoursAgo * HOUR);
    t.metadata.createUpload({ id: "empty-old", repository: "app", startedAt: started(25) });
    t.metadata.createUpload({ id: "empty-new", repository: "app", startedAt: started(1) });

    const report = await t.gc.run();
    expect([...report.purgedUploads].sort()).toEqual(["empty-old", "idle", "orphan-ingest"]);
    expect(await t.content.status("idle")).toBeUndefined();
    expect(await t.content.status("orphan-ingest")).toBeUndefined();
    expect(t.metadata.getUpload("idle")).toBeUndefined();
    expect(t.metadata.getUpload("empty-old")).toBeUndefined();
    expect(await t.content.status("active")).toMatchObject({ offset: "recent bytes".length });
    expect(await t.content.status("young-ingest")).toBeDefined();
    expect(t.metadata.getUpload("active")).toBeDefined();
    expect(t.metadata.getUpload("empty-new")).toBeDefined();
  });

  it("joins a run in progress instead of starting another", async () => {
    const t = await setup();
    await t.pushBlob("app", "abandoned");
    t.advance(2 * GRACE);

    const first = t.gc.run();
    const second = t.gc.run({ dryRun: true });
    expect(second).toBe(first);
    const report = await first;
    expect(report.dryRun).toBe(false);
    expect(report.deletedBlobs).toHaveLength(1);
    expect((await t.metrics.gcRuns.get()).values).toEqual([{ value: 1, labels: { result: "ok" } }]);

    const third = t.gc.run();
    expect(third).not.toBe(first);
    expect((await third).deletedBlobs).toEqual([]);
  });
});
