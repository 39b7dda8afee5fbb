// Online garbage collection of registry content, safe while pushes and pulls go on.
// Mark: everything a manifest references, every manifest, and every blob linked or
// touched by a push within the grace period (a push uploads blobs before the manifest that
// references them). Sweep: forget each remaining blob in one metadata transaction and delete
// its bytes, both under the blob's digest lock, which commits and mounts also take: a push
// racing the collector either lands first (and the blob is marked) or waits and re-uploads
// onto a clean slate. Uploads in progress are ingests, which the sweep never touches; only
// uploads idle past their time-to-live are purged.
import type { Logger } from "pino";
import type { KeyedMutex } from "../content/keyed-mutex.js";
import type { ContentStore } from "../content/store.js";
import type { Digest } from "../oci/digest.js";
import type { RegistryMetadata } from "./metadata.js";
import type { RegistryMetrics } from "./metrics.js";

export interface GarbageCollectorOptions {
  metadata: RegistryMetadata;
  content: ContentStore;
  locks: KeyedMutex;
  logger: Logger;
  metrics: RegistryMetrics;
  /** Unreferenced blobs younger than this are kept (pushes in flight rely on them). */
  graceMs: number;
  /** Uploads idle for longer than this are abandoned and removed. */
  uploadTtlMs: number;
  now?: () => number;
}

export interface GcReport {
  dryRun: boolean;
  deletedBlobs: Digest[];
  freedBytes: number;
  purgedUploads: string[];
  durationMs: number;
}

export class GarbageCollector {
  readonly #o: GarbageCollectorOptions;
  #running: Promise<GcReport> | undefined;

  constructor(options: GarbageCollectorOptions) {
    this.#o = options;
  }

  /** Runs a collection; a call while one runs joins it instead of starting another. */
  run(options: { dryRun?: boolean; graceMs?: number } = {}): Promise<GcReport> {
    if (this.#running) return this.#running;
    const started = (this.#o.now ?? Date.now)();
    this.#running = this.#collect(options.dryRun ?? false, started, options.graceMs ?? this.#o.graceMs)
      .then((report) => {
        this.#o.metrics.gcRuns.inc({ result: "ok" });
        if (!report.dryRun) this.#o.metrics.gcDeletedBlobs.inc(report.deletedBlobs.length);
        this.#o.logger.info(
          {
            deleted: report.deletedBlobs.length,
            freedBytes: report.freedBytes,
            dryRun: report.dryRun,
            ms: report.durationMs,
          },
          "garbage collection done",
        );
        return report;
      })
      .catch((err: unknown) => {
        this.#o.metrics.gcRuns.inc({ result: "error" });
        throw err;
      })
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #collect(dryRun: boolean, started: number, graceMs: number): Promise<GcReport> {
    const { metadata, content, locks } = this.#o;
    const cutoff = new Date(started - graceMs);
    const report: GcReport = { dryRun, deletedBlobs: [], freedBytes: 0, purgedUploads: [], durationMs: 0 };

    const sweep = async (digest: Digest, forget: () => boolean) =>
      locks.run(digest, async () => {
        const info = await content.info(digest);
        if (dryRun) report.freedBytes += info?.size ?? 0;
        if (dryRun || !forget()) return;
        await content.delete(digest);
        report.deletedBlobs.push(digest);
        report.freedBytes += info?.size ?? 0;
      });

    // Blobs the metadata knows but nothing references any more.
    for (const digest of metadata.unreferencedBlobs(cutoff)) {
      if (dryRun) report.deletedBlobs.push(digest);
      await sweep(digest, () => metadata.forgetBlobIfUnreferenced(digest, cutoff));
    }
    // Files the metadata never recorded (a crash between commit and link) or no longer knows.
    for await (const info of content.walk()) {
      if (info.committedAt >= cutoff || metadata.isBlobKnown(info.digest)) continue;
      if (dryRun) report.deletedBlobs.push(info.digest);
      await sweep(info.digest, () => !metadata.isBlobKnown(info.digest));
    }
    await this.#purgeUploads(dryRun, started, graceMs, report);
    report.durationMs = (this.#o.now ?? Date.now)() - started;
    return report;
  }

  async #purgeUploads(dryRun: boolean, now: number, graceMs: number, report: GcReport): Promise<void> {
    const { metadata, content } = this.#o;
    const known = new Set(metadata.listUploads().map((u) => u.id));
    for (const ingest of await content.listIngests()) {
      const idle = now - ingest.updatedAt.getTime() > this.#o.uploadTtlMs;
      // An ingest without an upload record is left from a crash or a failed monolithic push.
      const orphan = !known.has(ingest.ref) && now - ingest.updatedAt.getTime() > graceMs;
      if (!idle && !orphan) continue;
      report.purgedUploads.push(ingest.ref);
      if (dryRun) continue;
      await content.abort(ingest.ref);
      metadata.deleteUpload(ingest.ref);
    }
    for (const upload of metadata.listUploads()) {
      // Upload sessions that never received a byte have no ingest; expire them by age.
      if (now - upload.startedAt.getTime() <= this.#o.uploadTtlMs || report.purgedUploads.includes(upload.id))
        continue;
      if ((await content.status(upload.id)) !== undefined) continue;
      report.purgedUploads.push(upload.id);
      if (!dryRun) metadata.deleteUpload(upload.id);
    }
  }
}
