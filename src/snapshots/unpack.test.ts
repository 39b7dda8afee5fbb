// The unpacker is the security boundary between image content and the host: these tests feed
// it hostile tars and check nothing lands outside the root. Ownership needs root.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { UnsafeEntryError } from "./errors.js";
import { FIXED_MTIME, makeTar, type FixtureEntry } from "./testing/tar-fixtures.js";
import { applyLayer } from "./unpack.js";

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && !isRoot) throw new Error("unpack tests need root (lchown, mknod)");

describe.runIf(isRoot)("applyLayer", () => {
  let base: string; // holds root/ and outside/, so escapes are visible
  let root: string;
  let outside: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "skiff-unpack-"));
    root = join(base, "root");
    outside = join(base, "outside");
    await mkdir(root);
    await mkdir(outside);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const apply = async (entries: FixtureEntry[]) => applyLayer(Readable.from([await makeTar(entries)]), root);

  it("writes files, dirs, links, devices and fifos with their metadata", async () => {
    const stats = await apply([
      { name: "./usr/", type: "directory", mode: 0o751 },
      { name: "./usr/bin/su", body: "su", mode: 0o4755 },
      { name: "home/u/f", body: "mine", uid: 1000, gid: 1000, mode: 0o600 },
      { name: "usr/bin/su-hard", type: "link", linkname: "usr/bin/su" },
      { name: "sh", type: "symlink", linkname: "/usr/bin/su" },
      { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "run/pipe", type: "fifo", mode: 0o600 },
    ]);
    expect(stats.entries).toBe(7);
    const su = await lstat(join(root, "usr/bin/su"));
    expect(su.mode & 0o7777).toBe(0o4755);
    expect(su.mtime.getTime()).toBe(FIXED_MTIME.getTime());
    expect(su.ino).toBe((await lstat(join(root, "usr/bin/su-hard"))).ino);
    const usr = await lstat(join(root, "usr"));
    expect(usr.mode & 0o7777).toBe(0o751);
    expect(usr.mtime.getTime()).toBe(FIXED_MTIME.getTime()); // set after its children
    const f = await lstat(join(root, "home/u/f"));
    expect([f.uid, f.gid, f.mode & 0o777]).toEqual([1000, 1000, 0o600]);
    expect(await readlink(join(root, "sh"))).toBe("/usr/bin/su");
    expect((await lstat(join(root, "dev/null"))).rdev).toBe(0x103);
    expect((await lstat(join(root, "run/pipe"))).isFIFO()).toBe(true);
  });

  it("refuses '..' that climbs out of the root", async () => {
    await expect(apply([{ name: "../x", body: "evil" }])).rejects.toThrow(UnsafeEntryError);
    await expect(apply([{ name: "a/../../x", body: "evil" }])).rejects.toThrow(/escapes the root/);
    expect(await readdir(base)).toEqual(["outside", "root"]);
  });

  it("makes absolute names relative", async () => {
    await apply([{ name: "/abs/file", body: "in" }]);
    expect(await readFile(join(root, "abs/file"), "utf8")).toBe("in");
  });

  it("resolves an absolute symlink in a parent inside the root, as the container sees it", async () => {
    await apply([
      { name: "evil", type: "symlink", linkname: "/" },
      { name: "evil/etc/x", body: "contained" },
    ]);
    expect(await readFile(join(root, "etc/x"), "utf8")).toBe("contained");
    expect(await readlink(join(root, "evil"))).toBe("/");
  });

  it("refuses an entry below a relative symlink that points outside the root", async () => {
    const tar = [
      { name: "up", type: "symlink" as const, linkname: "../outside" },
      { name: "up/x", body: "evil" },
    ];
    await expect(apply(tar)).rejects.toThrow(
      /refusing tar entry "up\/x": a symlink in its path points outside/,
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses symlink chains that end outside the root", async () => {
    await expect(
      apply([
        { name: "a", type: "symlink", linkname: "b/.." },
        { name: "b", type: "symlink", linkname: "c/../.." },
        { name: "c/", type: "directory" },
        { name: "a/outside/x", body: "evil" },
      ]),
    ).rejects.toThrow(UnsafeEntryError);
    expect(await readdir(outside)).toEqual([]);
  });

  it("replaces an existing symlink instead of writing through it", async () => {
    await writeFile(join(outside, "target"), "host");
    await symlink(join(outside, "target"), join(root, "f"));
    await apply([{ name: "f", body: "layer" }]);
    expect(await readFile(join(outside, "target"), "utf8")).toBe("host");
    expect(await readFile(join(root, "f"), "utf8")).toBe("layer");
    expect((await lstat(join(root, "f"))).isFile()).toBe(true);
  });

  it("refuses hardlinks out of the root or through a symlink", async () => {
    await expect(apply([{ name: "pw", type: "link", linkname: "../../etc/passwd" }])).rejects.toThrow(
      /refusing tar entry "pw": hardlink target "..\/..\/etc\/passwd" is outside the root/,
    );
    await expect(
      apply([
        { name: "etc", type: "symlink", linkname: "/etc" },
        { name: "pw", type: "link", linkname: "etc/passwd" },
      ]),
    ).rejects.toThrow(/goes through a symlink/);
    await expect(lstat(join(root, "pw"))).rejects.toThrow(/ENOENT/);
  });

  it("applies whiteouts and opaque directories to what was there, not to this layer", async () => {
    await apply([
      { name: "etc/gone", body: "old" },
      { name: "etc/kept", body: "old" },
      { name: "opq/old/deep", body: "old" },
      { name: "opq/dir/old", body: "old" },
    ]);
    await apply([
      { name: "etc/.wh.gone" },
      { name: "opq/dir/new", body: "new" },
      { name: "opq/.wh..wh..opq" },
      { name: "opq/.wh.missing" },
    ]);
    expect(await readdir(join(root, "etc"))).toEqual(["kept"]);
    expect(await readdir(join(root, "opq"))).toEqual(["dir"]);
    expect(await readdir(join(root, "opq/dir"))).toEqual(["new"]);
  });

  it("refuses whiteouts of '.' and '..', and skips aufs metadata", async () => {
    await apply([{ name: "keep/file", body: "x" }]);
    for (const name of ["keep/.wh..", "keep/.wh...", ".wh...", ".wh."]) {
      await expect(apply([{ name }])).rejects.toThrow(/whiteout of the directory itself or its parent/);
    }
    await apply([
      { name: ".wh..wh.plnk/", type: "directory" },
      { name: ".wh..wh.plnk/1.2", body: "aufs" },
    ]);
    expect(await readdir(root)).toEqual(["keep"]);
    expect(await readdir(join(root, "keep"))).toEqual(["file"]);
    expect(await readdir(base)).toEqual(["outside", "root"]);
  });

  it("replaces a directory by a file and a file by a directory", async () => {
    await apply([
      { name: "d/x", body: "x" },
      { name: "f", body: "f" },
    ]);
    await apply([
      { name: "d", body: "now a file" },
      { name: "f/", type: "directory" },
    ]);
    expect(await readFile(join(root, "d"), "utf8")).toBe("now a file");
    expect((await lstat(join(root, "f"))).isDirectory()).toBe(true);
  });

  it("fails on a truncated tar", async () => {
    const tar = await makeTar([{ name: "big", body: "y".repeat(5000) }]);
    await expect(applyLayer(Readable.from([tar.subarray(0, 1024)]), root)).rejects.toThrow();
  });
});
