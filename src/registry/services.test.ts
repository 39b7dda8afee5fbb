import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { KeyedMutex } from "../content/keyed-mutex.js";
import { LocalContentStore } from "../content/local-store.js";
import { digestOf, type Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { openDatabase } from "../sqlite/open.js";
import { BlobService } from "./blobs.js";
import { RegistryError, type ErrorCode } from "./errors.js";
import { ManifestService } from "./manifests.js";
import { SqliteRegistryMetadata } from "./sqlite-metadata.js";
import { registryMigrations } from "./sqlite-schema.js";

/** What BlobService.copyTo writes, as text. */
async function copied(
  blobs: BlobService,
  repository: string,
  digest: Digest,
  range?: { start: number; end: number },
): Promise<string> {
  const sink = new PassThrough();
  const body = text(sink);
  blobs.stat(repository, digest);
  await blobs.copyTo(digest, sink, range);
  sink.end();
  return body;
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "skiff-services-"));
  const content = await LocalContentStore.open(join(dir, "content"));
  const metadata = new SqliteRegistryMetadata(
    openDatabase(join(dir, "registry.db"), { migrations: registryMigrations }),
  );
  const locks = new KeyedMutex();
  cleanups.push(() => {
    metadata.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const blobs = new BlobService({ metadata, content, locks, maxBlobSize: 1024 * 1024 });
  const manifests = new ManifestService({ metadata, content, locks });

  /** Pushes `data` as one blob into `repository`. */
  async function pushBlob(repository: string, data: string): Promise<Digest> {
    const digest = digestOf(data);
    await blobs.putMonolithic(repository, digest, stream(data));
    return digest;
  }

  return { content, metadata, blobs, manifests, pushBlob };
}

const stream = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

/** An OCI image manifest over a config and layers given by their contents. */
function imageManifest(config: string, ...layers: string[]): Buffer {
  const descriptor = (mediaType: string, data: string) => ({
    mediaType,
    digest: digestOf(data),
    size: data.length,
  });
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: descriptor(MediaType.ociConfig, config),
      layers: layers.map((l) => descriptor(MediaType.ociLayerGzip, l)),
    }),
  );
}

/** The RegistryError that `promise` rejects with, after checking its code. */
async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<RegistryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RegistryError);
  expect((err as RegistryError).code).toBe(code);
  return err as RegistryError;
}

describe("ManifestService", () => {
  it("puts a manifest by tag, then the same bytes by digest", async () => {
    const t = await setup();
    await t.pushBlob("app", "config");
    await t.pushBlob("app", "layer");
    const body = imageManifest("config", "layer");

    const byTag = await t.manifests.put("app", { tag: "v1" }, body, MediaType.ociManifest);
    expect(byTag).toEqual({ digest: digestOf(body) });
    const tagged = await t.manifests.get("app", { tag: "v1" });
    expect(tagged.body.equals(body)).toBe(true);
    expect(tagged.record).toMatchObject({ digest: byTag.digest, mediaType: MediaType.ociManifest });

    const byDigest = await t.manifests.put("app", { digest: byTag.digest }, body, MediaType.ociManifest);
    expect(byDigest.digest).toBe(byTag.digest);
    expect(t.manifests.resolve("app", { digest: byTag.digest }).size).toBe(body.length);
    expect(t.metadata.listTags("app")).toEqual(["v1"]);
    expect(await t.content.readAll(byTag.digest)).toEqual(body);
  });

  it("refuses a body that does not hash to the digest in the URL (DIGEST_INVALID)", async () => {
    const t = await setup();
    await t.pushBlob("app", "config");
    const body = imageManifest("config");
    const err = await rejection(
      t.manifests.put("app", { digest: digestOf("other") }, body),
      "DIGEST_INVALID",
    );
    expect(err.message).toContain(digestOf(body));
    expect(() => t.manifests.resolve("app", { digest: digestOf(body) })).toThrow(RegistryError);
    expect(await t.content.info(digestOf(body))).toBeUndefined();
  });

  it("refuses a manifest whose blobs the repository lacks (MANIFEST_BLOB_UNKNOWN)", async () => {
    const t = await setup();
    await t.pushBlob("app", "config");
    await t.pushBlob("elsewhere", "layer");
    const body = imageManifest("config", "layer");
    const err = await rejection(t.manifests.put("app", { tag: "v1" }, body), "MANIFEST_BLOB_UNKNOWN");
    expect(err.detail).toEqual({ missing: [digestOf("layer")] });
    expect(t.metadata.resolveTag("app", "v1")).toBeUndefined();
    expect(t.metadata.getManifest("app", digestOf(body))).toBeUndefined();
  });

  it("refuses invalid manifests (MANIFEST_INVALID)", async () => {
    const t = await setup();
    await rejection(t.manifests.put("app", { tag: "v1" }, Buffer.from("{")), "MANIFEST_INVALID");
    const body = imageManifest("config");
    await rejection(t.manifests.put("app", { tag: "v1" }, body, MediaType.ociIndex), "MANIFEST_INVALID");
  });

  it("refuses to move an immutable tag (TAG_INVALID) and leaves it where it was", async () => {
    const t = await setup();
    t.metadata.createRepository("app", {
      tagMutability: "IMMUTABLE_WITH_EXCLUSION",
      mutabilityExclusions: ["latest"],
    });
    await t.pushBlob("app", "config-1");
    await t.pushBlob("app", "config-2");
    const first = imageManifest("config-1");
    const second = imageManifest("config-2");
    await t.manifests.put("app", { tag: "v1" }, first);
    await t.manifests.put("app", { tag: "latest" }, first);

    const err = await rejection(t.manifests.put("app", { tag: "v1" }, second), "TAG_INVALID");
    expect(err.message).toContain("IMMUTABLE_WITH_EXCLUSION");
    expect(t.metadata.resolveTag("app", "v1")).toBe(digestOf(first));
    expect(t.metadata.getManifest("app", digestOf(second))).toBeUndefined();

    await t.manifests.put("app", { tag: "v1" }, first); // the same digest again is no move
    await t.manifests.put("app", { tag: "latest" }, second); // excluded: may move
    expect(t.metadata.resolveTag("app", "latest")).toBe(digestOf(second));
    expect(() => t.manifests.delete("app", { tag: "v1" })).toThrow(
      expect.objectContaining({ code: "DENIED" }),
    );
  });
});

describe("BlobService", () => {
  it("appends chunks in order, refuses a chunk at the wrong offset, and finishes the upload", async () => {
    const t = await setup();
    const upload = t.blobs.startUpload("app");
    expect(
      (await t.blobs.append("app", upload.id, stream("hello "), { range: { start: 0, end: 5 } })).offset,
    ).toBe(6);

    const err = await rejection(
      t.blobs.append("app", upload.id, stream("again"), { range: { start: 0, end: 4 } }),
      "RANGE_INVALID",
    );
    expect(err.detail).toEqual({ offset: 6 });
    expect((await t.blobs.uploadState("app", upload.id)).offset).toBe(6);

    expect(
      (await t.blobs.append("app", upload.id, stream("wor"), { range: { start: 6, end: 8 } })).offset,
    ).toBe(9);
    const digest = digestOf("hello world");
    const link = await t.blobs.finishUpload("app", upload.id, digest, { body: stream("ld") });
    expect(link).toMatchObject({ digest, size: 11 });
    expect(t.blobs.stat("app", digest).size).toBe(11);
    expect(await copied(t.blobs, "app", digest, { start: 6, end: 10 })).toBe("world");
    await rejection(t.blobs.uploadState("app", upload.id), "BLOB_UPLOAD_UNKNOWN");
  });

  it("ends an upload whose bytes do not match the digest (DIGEST_INVALID) and links nothing", async () => {
    const t = await setup();
    const upload = t.blobs.startUpload("app");
    await t.blobs.append("app", upload.id, stream("actual bytes"));
    const claimed = digestOf("claimed bytes");

    await rejection(t.blobs.finishUpload("app", upload.id, claimed), "DIGEST_INVALID");
    expect(t.metadata.getBlobLink("app", claimed)).toBeUndefined();
    expect(t.metadata.getBlobLink("app", digestOf("actual bytes"))).toBeUndefined();
    expect(await t.content.info(digestOf("actual bytes"))).toBeUndefined();
    expect(await t.content.status(upload.id)).toBeUndefined();
    await rejection(t.blobs.uploadState("app", upload.id), "BLOB_UPLOAD_UNKNOWN");
  });

  it("refuses a chunk past the blob size limit, before or while reading it", async () => {
    const t = await setup();
    const upload = t.blobs.startUpload("app");
    // Declared too large: refused before a byte is read.
    await rejection(
      t.blobs.append("app", upload.id, stream("x"), { length: 1024 * 1024 + 1 }),
      "PAYLOAD_TOO_LARGE",
    );
    expect((await t.blobs.uploadState("app", upload.id)).offset).toBe(0);
    // Streamed without a length: stopped once it goes over.
    const big = Readable.from([Buffer.alloc(700 * 1024), Buffer.alloc(700 * 1024)]);
    await rejection(t.blobs.append("app", upload.id, big), "PAYLOAD_TOO_LARGE");
    expect((await t.blobs.uploadState("app", upload.id)).offset).toBeLessThanOrEqual(1024 * 1024);
  });

  it("keeps uploads to their repository", async () => {
    const t = await setup();
    const upload = t.blobs.startUpload("app");
    await rejection(t.blobs.uploadState("other", upload.id), "BLOB_UPLOAD_UNKNOWN");
    await rejection(t.blobs.append("other", upload.id, stream("x")), "BLOB_UPLOAD_UNKNOWN");
    expect((await t.blobs.uploadState("app", upload.id)).offset).toBe(0);
  });

  it("mounts a blob from a repository that has it", async () => {
    const t = await setup();
    const digest = await t.pushBlob("source", "shared layer");
    expect(() => t.blobs.stat("target", digest)).toThrow(expect.objectContaining({ code: "BLOB_UNKNOWN" }));

    expect(await t.blobs.mount("target", digest, "source")).toBe(true);
    expect(t.blobs.stat("target", digest).size).toBe("shared layer".length);
    expect(await copied(t.blobs, "target", digest)).toBe("shared layer");

    expect(await t.blobs.mount("third", digest, "unrelated")).toBe(false);
    expect(t.metadata.getBlobLink("third", digest)).toBeUndefined();
  });

  it("does not mount a blob whose bytes are gone", async () => {
    const t = await setup();
    const digest = await t.pushBlob("source", "deleted layer");
    await t.content.delete(digest);
    expect(await t.blobs.mount("target", digest, "source")).toBe(false);
    expect(t.metadata.getBlobLink("target", digest)).toBeUndefined();
  });
});
