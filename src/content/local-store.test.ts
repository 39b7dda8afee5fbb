import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { createDigester, digestHex, digestOf, finishDigest, type Digest } from "../oci/digest.js";
import { LocalContentStore } from "./local-store.js";
import {
  ContentNotFoundError,
  DigestMismatchError,
  IngestNotFoundError,
  SizeMismatchError,
} from "./store.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "skiff-content-"));
  dirs.push(dir);
  return dir;
}

const streamOf = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe("LocalContentStore", () => {
  it("puts, reads and describes a blob at its content address", async () => {
    const root = tempRoot();
    const store = await LocalContentStore.open(root);
    const digest = digestOf("hello world");
    const info = await store.put(Buffer.from("hello world"), digest);
    expect(info).toMatchObject({ digest, size: 11 });
    expect(existsSync(join(root, "blobs", "sha256", digestHex(digest).slice(0, 2), digestHex(digest)))).toBe(
      true,
    );
    expect((await store.readAll(digest)).toString()).toBe("hello world");
    expect(await text(await store.read(digest))).toBe("hello world");
    expect(await store.info(digest)).toEqual({ digest, size: 11, committedAt: info.committedAt });
    expect(await store.put(Buffer.from("hello world"))).toMatchObject({ digest, size: 11 });
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("reads inclusive byte ranges", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const { digest } = await store.put(Buffer.from("0123456789"));
    expect(await text(await store.read(digest, { start: 2, end: 5 }))).toBe("2345");
    expect(await text(await store.read(digest, { start: 9, end: 9 }))).toBe("9");
    await expect(store.read(digest, { start: 5, end: 2 })).rejects.toThrow(RangeError);
  });

  it("stores nothing when put's bytes do not match the expected digest", async () => {
    const root = tempRoot();
    const store = await LocalContentStore.open(root);
    const wrong = digestOf("other");
    await expect(store.put(Buffer.from("bytes"), wrong)).rejects.toThrow(DigestMismatchError);
    expect(await store.info(wrong)).toBeUndefined();
    expect(await store.info(digestOf("bytes"))).toBeUndefined();
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
  });

  it("reports absent blobs", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const digest = digestOf("absent");
    expect(await store.info(digest)).toBeUndefined();
    await expect(store.read(digest)).rejects.toThrow(ContentNotFoundError);
    await expect(store.readAll(digest)).rejects.toThrow(ContentNotFoundError);
  });

  it("appends chunks to an ingest and commits it", async () => {
    const root = tempRoot();
    const store = await LocalContentStore.open(root);
    const writer = await store.writer("upload-1");
    expect(await store.writer("upload-1")).toBe(writer);
    expect(await writer.append(streamOf("hello ", "wor"))).toBe(9);
    const again = await store.writer("upload-1");
    expect(await again.append(streamOf("ld"))).toBe(11);
    expect(await store.status("upload-1")).toMatchObject({ ref: "upload-1", offset: 11 });
    expect(await store.info(digestOf("hello world"))).toBeUndefined(); // nothing visible before commit

    const info = await writer.commit(digestOf("hello world"), 11);
    expect(info).toMatchObject({ digest: digestOf("hello world"), size: 11 });
    expect((await store.readAll(info.digest)).toString()).toBe("hello world");
    expect(await store.status("upload-1")).toBeUndefined();
    expect(readdirSync(join(root, "ingest"))).toEqual([]);
    await expect(writer.append(streamOf("more"))).rejects.toThrow(IngestNotFoundError);
    expect(await store.writer("upload-1")).not.toBe(writer);
  });

  it("keeps the ingest and stores nothing when the digest or size does not match", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const writer = await store.writer("u");
    await writer.append(streamOf("abc"));
    const wrong = digestOf("abd");
    await expect(writer.commit(wrong)).rejects.toThrow(DigestMismatchError);
    await expect(writer.commit(digestOf("abc"), 4)).rejects.toThrow(SizeMismatchError);
    expect(await store.info(wrong)).toBeUndefined();
    expect(await store.info(digestOf("abc"))).toBeUndefined();
    expect(await store.status("u")).toMatchObject({ offset: 3 });
    // The running hash survived the failed commits.
    await writer.append(streamOf("def"));
    expect(await writer.commit(digestOf("abcdef"))).toMatchObject({ size: 6 });
  });

  it("resumes an ingest after a restart and keeps hashing correctly", async () => {
    const root = tempRoot();
    const first = await LocalContentStore.open(root);
    await (await first.writer("resume")).append(streamOf("part one, "));
    const started = (await first.status("resume"))!.startedAt;

    const second = await LocalContentStore.open(root);
    const writer = await second.writer("resume");
    expect(writer.offset()).toBe(10);
    expect(await writer.append(streamOf("part two"))).toBe(18);
    expect((await second.status("resume"))!.startedAt).toEqual(started);
    expect(await writer.commit(digestOf("part one, part two"))).toMatchObject({ size: 18 });
  });

  it("commits with another algorithm by hashing the file again", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const writer = await store.writer("sha512");
    await writer.append(streamOf("x".repeat(1000)));
    const digest = digestOf("x".repeat(1000), "sha512");
    expect(await writer.commit(digest)).toMatchObject({ digest, size: 1000 });
    expect((await store.readAll(digest)).length).toBe(1000);
  });

  it("keeps the bytes that arrived before a stream error, with a consistent hash", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const writer = await store.writer("broken");
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from("first "));
    setTimeout(() => failing.destroy(new Error("connection reset")), 20);
    await expect(writer.append(failing)).rejects.toThrow("connection reset");
    expect(writer.offset()).toBe(6);
    expect(await store.status("broken")).toMatchObject({ offset: 6 });
    expect(await writer.append(streamOf("second"))).toBe(12);
    expect(await writer.commit(digestOf("first second"))).toMatchObject({ size: 12 });
  });

  it("aborts ingests and lists the ones in progress", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const a = await store.writer("a");
    await a.append(streamOf("aaa"));
    await store.writer("b");
    expect((await store.listIngests()).map((s) => [s.ref, s.offset])).toEqual([
      ["a", 3],
      ["b", 0],
    ]);
    await store.abort("a");
    await store.abort("never-started");
    expect(await store.status("a")).toBeUndefined();
    expect((await store.listIngests()).map((s) => s.ref)).toEqual(["b"]);
    await expect(a.append(streamOf("x"))).rejects.toThrow(IngestNotFoundError);
    expect((await store.writer("a")).offset()).toBe(0);
  });

  it("deletes blobs, and deleting an absent blob is not an error", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const { digest } = await store.put(Buffer.from("to delete"));
    await store.delete(digest);
    expect(await store.info(digest)).toBeUndefined();
    await expect(store.read(digest)).rejects.toThrow(ContentNotFoundError);
    await store.delete(digest);
  });

  it("walks committed blobs and skips anything else", async () => {
    const root = tempRoot();
    const store = await LocalContentStore.open(root);
    const digests = await Promise.all(
      ["a", "b", "c"].map(async (s) => (await store.put(Buffer.from(s))).digest),
    );
    const sha512 = (await store.put(Buffer.from("d"), digestOf("d", "sha512"))).digest;
    const prefix = join(root, "blobs", "sha256", digestHex(digests[0]!).slice(0, 2));
    writeFileSync(join(prefix, "not-hex"), "");
    writeFileSync(join(prefix, digestHex(digests[0]!).slice(0, 2) + "0".repeat(62) + ".tmp"), "");
    mkdirSync(join(root, "blobs", "md5", "ab"), { recursive: true });
    writeFileSync(join(root, "blobs", "md5", "ab", "ab" + "0".repeat(30)), "");
    writeFileSync(join(root, "blobs", "stray"), "");
    await (await store.writer("pending")).append(streamOf("not committed"));

    const seen: Digest[] = [];
    for await (const info of store.walk()) seen.push(info.digest);
    expect(seen.sort()).toEqual([...digests, sha512].sort());
  });

  it("rejects refs that could escape the ingest directory", async () => {
    const store = await LocalContentStore.open(tempRoot());
    for (const ref of ["../x", "a/b", "..", ".", "", "a\\b", "x".repeat(129)]) {
      await expect(store.writer(ref)).rejects.toThrow(/invalid ingest ref/);
      await expect(store.status(ref)).rejects.toThrow(/invalid ingest ref/);
      await expect(store.abort(ref)).rejects.toThrow(/invalid ingest ref/);
    }
  });

  it("removes leftovers of crashed writes when opened", async () => {
    const root = tempRoot();
    await LocalContentStore.open(root);
    writeFileSync(join(root, "tmp", "crashed-put"), "partial");
    mkdirSync(join(root, "ingest", "no-data"));
    mkdirSync(join(root, "ingest", "kept"));
    writeFileSync(join(root, "ingest", "kept", "data"), "abc");
    const store = await LocalContentStore.open(root);
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
    expect((await store.listIngests()).map((s) => [s.ref, s.offset])).toEqual([["kept", 3]]);
  });

  it("streams a large append in bounded memory", async () => {
    const store = await LocalContentStore.open(tempRoot());
    const hash = createDigester("sha256");
    const total = 128 * 1024 * 1024;
    const chunk = 256 * 1024;
    let peak = 0;
    async function* generate() {
      for (let sent = 0; sent < total; sent += chunk) {
        const bytes = randomBytes(chunk);
        hash.update(bytes);
        peak = Math.max(peak, process.memoryUsage().rss);
        yield bytes;
      }
    }
    const before = process.memoryUsage().rss;
    const writer = await store.writer("large");
    expect(await writer.append(Readable.from(generate()))).toBe(total);
    const digest = finishDigest(hash, "sha256");
    expect(await writer.commit(digest, total)).toMatchObject({ digest, size: total });
    // Loose (about 35 MiB measured): buffering the blob would grow the process by its 128 MiB.
    expect(peak - before).toBeLessThan(96 * 1024 * 1024);
  });
});
