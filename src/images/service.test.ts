import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import pino from "pino";
import * as tarStream from "tar-stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { digestOf } from "../oci/digest.js";
import { ImageConflictError, ImageNotFoundError } from "./errors.js";
import { ImageService } from "./service.js";
import type { ProgressMessage } from "./progress.js";

/** A small tar with the given files. */
async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const [name, text] of Object.entries(files))
    pack.entry({ name, mode: 0o644, mtime: new Date(0) }, text);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("ImageService", () => {
  let root: string;
  let images: ImageService;
  const noUsers = { force: false, noPrune: false, usedBy: () => [] };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-images-"));
    images = await ImageService.open({ root, logger: pino({ level: "silent" }) });
  });
  afterEach(async () => {
    images.close();
    await rm(root, { recursive: true, force: true });
  });

  it("imports a rootfs tar as a one-layer image with changes, and finds it by every name", async () => {
    const tar = await tarOf({ "hello.txt": "hi\n" });
    const image = await images.importRootfs(Readable.from([tar]), {
      ref: "busybox",
      changes: ['CMD ["sh"]', "ENV PATH=/bin", "EXPOSE 80", "WORKDIR /srv"],
    });
    expect(image.repoTags).toEqual(["busybox:latest"]);
    expect(image.layers).toHaveLength(1);
    expect(image.layers[0]!.diffId).toBe(digestOf(tar));
    expect(image.layers[0]!.mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
    expect(image.config.config).toMatchObject({
      Cmd: ["sh"],
      Env: ["PATH=/bin"],
      ExposedPorts: { "80/tcp": {} },
      WorkingDir: "/srv",
    });
    expect(image.config.history).toEqual([{ created: image.config.created, comment: "Imported from -" }]);
    const hex = image.id.slice(7);
    for (const ref of [
      "busybox",
      "busybox:latest",
      "docker.io/library/busybox:latest",
      image.id,
      hex,
      hex.slice(0, 12),
      hex.slice(0, 4),
    ]) {
      expect(images.get(ref).id).toBe(image.id);
    }
    expect(() => images.get("busybox:nope")).toThrow(new ImageNotFoundError("busybox:nope"));
    expect(() => images.get("nothere")).toThrow("No such image: nothere");
    // The stored layer is gzip, and decompresses to the tar.
    const blob = await collect(await images.content.read(image.layers[0]!.digest));
    expect(blob.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("keeps a gzip input as given, with the diff ID of its contents", async () => {
    const tar = await tarOf({ a: "a" });
    const gz = gzipSync(tar);
    const image = await images.importRootfs(Readable.from([gz]), { changes: [] });
    expect(image.layers[0]!.digest).toBe(digestOf(gz));
    expect(image.layers[0]!.diffId).toBe(digestOf(tar));
    expect(image.repoTags).toEqual([]);
  });

  it("tags, untags and deletes with Docker's rules", async () => {
    // One frozen millisecond for the import and both tags, as on a fast machine: the names
    // still come in the order they were given.
    const tar = await tarOf({ a: "a" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    let image: Awaited<ReturnType<typeof images.importRootfs>>;
    try {
      image = await images.importRootfs(Readable.from([tar]), { ref: "app:v1", changes: [] });
      images.tag("app:v1", "127.0.0.1:5000/team/app:v2");
      images.tag("app:v1", "other");
    } finally {
      vi.useRealTimers();
    }
    expect(images.get(image.id).repoTags).toEqual(["app:v1", "127.0.0.1:5000/team/app:v2", "other:latest"]);
    await expect(images.remove(image.id.slice(7, 19), noUsers)).rejects.toThrow(
      `conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    );
    expect(await images.remove("other", noUsers)).toEqual([{ Untagged: "other:latest" }]);
    const used = { ...noUsers, usedBy: () => ["c0ffee".padEnd(64, "0")] };
    await images.remove("127.0.0.1:5000/team/app:v2", used);
    await expect(images.remove("app:v1", used)).rejects.toThrow(
      `conflict: unable to remove repository reference "app:v1" (must force) - container c0ffee000000 is using its referenced image ${image.id.slice(7, 19)}`,
    );
    expect(await images.remove("app:v1", noUsers)).toEqual([{ Untagged: "app:v1" }, { Deleted: image.id }]);
    expect(images.list()).toEqual([]);
    expect(await images.content.info(image.layers[0]!.digest)).toBeUndefined();
  });

  it("commits a diff on top of a parent with merged config and history", async () => {
    const parent = await images.importRootfs(Readable.from([await tarOf({ a: "a" })]), {
      ref: "base",
      changes: ["ENV A=1", 'CMD ["sh"]'],
    });
    const diff = await tarOf({ b: "b" });
    const child = await images.commit({
      parent,
      diff: Readable.from([diff]),
      containerConfig: { Env: ["A=1", "B=2"], Cmd: ["sleep", "1"] },
      changes: ["LABEL x=y"],
      ref: "child:1",
      author: "me",
      comment: "second",
    });
    expect(child.layers.map((l) => l.diffId)).toEqual([parent.layers[0]!.diffId, digestOf(diff)]);
    expect(child.config.config).toMatchObject({
      Env: ["A=1", "B=2"],
      Cmd: ["sleep", "1"],
      Labels: { x: "y" },
    });
    const history = images.history("child:1");
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({
      Id: child.id,
      CreatedBy: "sleep 1",
      Tags: ["child:1"],
      Comment: "second",
    });
    expect(history[1]).toMatchObject({ Id: "<missing>", Comment: "Imported from -" });
    // Deleting the parent keeps the layer the child shares with it.
    await images.remove("base", noUsers);
    expect(await images.content.info(parent.layers[0]!.digest)).toBeDefined();
    expect(images.get("child:1").layers).toHaveLength(2);
  });

  it("saves an archive and loads it back into another store with the same IDs and digests", async () => {
    const image = await images.importRootfs(Readable.from([await tarOf({ a: "a" })]), {
      ref: "saved:1",
      changes: [],
    });
    const out = new PassThrough();
    const archive = collect(out);
    await images.save(["saved:1"], out);
    out.end();
    const bytes = await archive;
    const otherRoot = await mkdtemp(join(tmpdir(), "skiff-images-"));
    const other = await ImageService.open({ root: otherRoot, logger: pino({ level: "silent" }) });
    try {
      const messages: ProgressMessage[] = [];
      for (const input of [bytes, gzipSync(bytes)]) {
        const loaded = await other.load(Readable.from([input]), (m) => messages.push(m));
        expect(loaded).toEqual(["saved:1"]);
      }
      expect(messages[0]).toEqual({ stream: "Loaded image: saved:1\n" });
      const back = other.get("saved:1");
      expect(back.id).toBe(image.id);
      expect(back.manifestDigest).toBe(image.manifestDigest);
      expect(back.layers).toEqual(image.layers);
    } finally {
      other.close();
      await rm(otherRoot, { recursive: true, force: true });
    }
  });

  it("names conflicts and missing images with Docker's types", async () => {
    await expect(images.remove("ghost", noUsers)).rejects.toBeInstanceOf(ImageNotFoundError);
    expect(new ImageConflictError("x").statusCode).toBe(409);
  });
});
