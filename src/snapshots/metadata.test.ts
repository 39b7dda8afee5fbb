import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SnapshotMetadata } from "./metadata.js";

describe("SnapshotMetadata", () => {
  let dir: string;
  let meta: SnapshotMetadata;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-snapmeta-"));
    meta = new SnapshotMetadata(join(dir, "m.db"));
  });
  afterEach(async () => {
    meta.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("never hands out an ID twice, even after a reopen", () => {
    const a = meta.allocateId();
    const b = meta.allocateId();
    meta.close();
    meta = new SnapshotMetadata(join(dir, "m.db"));
    expect(new Set([a, b, meta.allocateId()]).size).toBe(3);
  });

  it("keeps parent links and refuses to drop a layer something stands on", () => {
    meta.addLayer({ chainId: "c1", id: 1, parent: undefined, diffId: "d1", size: 10 });
    meta.addLayer({ chainId: "c2", id: 2, parent: "c1", diffId: "d2", size: 20 });
    meta.addActive({ key: "ctr", id: 3, parent: "c2" });
    expect(meta.layer("c2")).toEqual({ chainId: "c2", id: 2, parent: "c1", diffId: "d2", size: 20 });
    expect(meta.tryRemoveLayer("c1")).toBe(false);
    expect(meta.tryRemoveLayer("c2")).toBe(false);
    meta.removeActive("ctr");
    expect(meta.tryRemoveLayer("c2")).toBe(true);
    expect(meta.tryRemoveLayer("c1")).toBe(true);
    expect(meta.layers()).toEqual([]);
  });

  it("refuses an active snapshot on a missing parent", () => {
    expect(() => meta.addActive({ key: "ctr", id: 1, parent: "nope" })).toThrow(/FOREIGN KEY/);
  });
});
