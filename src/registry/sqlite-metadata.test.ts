import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { digestOf } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { openDatabase } from "../sqlite/open.js";
import { describeRegistryMetadataContract } from "./metadata-contract.test-suite.js";
import { SqliteRegistryMetadata } from "./sqlite-metadata.js";
import { registryMigrations } from "./sqlite-schema.js";

function openAt(dir: string, clock: { value: number }): SqliteRegistryMetadata {
  const db = openDatabase(join(dir, "registry.db"), { migrations: registryMigrations });
  return new SqliteRegistryMetadata(db, () => clock.value);
}

describeRegistryMetadataContract("SqliteRegistryMetadata", () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-metadata-"));
  const now = { value: Date.parse("2025-06-01T00:00:00Z") };
  const metadata = openAt(dir, now);
  return {
    metadata,
    now,
    cleanup() {
      metadata.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("SqliteRegistryMetadata", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("keeps manifests, tags and links across a reopen of the database", () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-metadata-"));
    dirs.push(dir);
    const clock = { value: Date.parse("2025-06-01T00:00:00Z") };
    const digest = digestOf("manifest");
    const first = openAt(dir, clock);
    first.linkBlob("app", digestOf("config"), 10);
    first.putManifest({
      record: {
        repository: "app",
        digest,
        mediaType: MediaType.ociManifest,
        size: 100,
        pushedAt: new Date(clock.value),
      },
      blobs: [digestOf("config")],
      manifests: [],
      tag: "v1",
    });
    first.close();

    const second = openAt(dir, clock);
    expect(second.resolveTag("app", "v1")).toBe(digest);
    expect(second.getBlobLink("app", digestOf("config"))).toMatchObject({ size: 10 });
    expect(second.listImages("app")).toMatchObject([{ digest, tags: ["v1"], totalSize: 110 }]);
    second.close();
  });
});
