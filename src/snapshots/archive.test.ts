// diffTar over a hand-made upper dir (overlay's on-disk whiteout format, made with mknod and
// setfattr as root) and exportTar over a plain tree.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffTar, exportTar, parseOpaque, usageOf } from "./archive.js";
import { readTar } from "./testing/tar-fixtures.js";

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && !isRoot) throw new Error("archive tests need root (mknod, trusted xattrs)");

describe("parseOpaque", () => {
  it("reads getfattr's dump, decoding octal escapes", () => {
    const dump =
      '# file: /u/a\\040b\ntrusted.overlay.opaque="y"\n\n# file: /u/c\ntrusted.overlay.opaque="n"\n';
    expect([...parseOpaque(dump, "/u")]).toEqual(["a b"]);
  });
});

describe.runIf(isRoot)("diffTar and exportTar", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-archive-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("turns overlay whiteouts and opaque dirs into OCI entries", async () => {
    await mkdir(join(dir, "etc"));
    execFileSync("mknod", [join(dir, "etc/deleted"), "c", "0", "0"]);
    await mkdir(join(dir, "var cache"));
    execFileSync("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", join(dir, "var cache")]);
    await writeFile(join(dir, "var cache/new"), "n");
    await writeFile(join(dir, "secret"), "s");
    await chmod(join(dir, "secret"), 0o000);
    await symlink("/etc", join(dir, "link"));
    const entries = await readTar(diffTar(dir));
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ["etc/", "directory"],
      ["etc/.wh.deleted", "file"],
      ["link", "symlink"],
      ["secret", "file"],
      ["var cache/", "directory"],
      ["var cache/.wh..wh..opq", "file"],
      ["var cache/new", "file"],
    ]);
    expect(entries.find((e) => e.name === "secret")?.mode).toBe(0);
    expect(entries.find((e) => e.name === "link")?.linkname).toBe("/etc");
    expect(await usageOf(dir)).toBe(1 + 1 + "/etc".length); // two files and the symlink
  });

  it("exports a tree and releases it afterwards", async () => {
    await writeFile(join(dir, "a"), "aaa");
    let released = false;
    const entries = await readTar(
      exportTar(() => Promise.resolve({ dir, release: () => Promise.resolve(void (released = true)) })),
    );
    expect(entries.map((e) => [e.name, e.body])).toEqual([["a", "aaa"]]);
    expect(released).toBe(true);
  });
});
