// The overlay snapshotter on real overlayfs (needs root): a three-layer image with whiteouts,
// an opaque directory, links, setuid and owned files; two containers on one chain; diff and export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  unlink,
  writeFile,
} from "node:fs/promises";
import { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OverlaySnapshotter } from "../src/snapshots/overlay.js";
import { layerSource, makeTar, readTar, sha256 } from "../src/snapshots/testing/tar-fixtures.js";
import { requireTool } from "./support/tools.js";
import { isMountPoint } from "../src/snapshots/mounts.js";

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && !isRoot) throw new Error("snapshot tests need root (overlayfs mounts)");
const ready = isRoot && requireTool("mount") && requireTool("getfattr") && requireTool("mknod");

async function imageLayers() {
  const l1 = await makeTar([
    { name: "bin/", type: "directory" },
    { name: "bin/tool", body: "v1", mode: 0o755 },
    { name: "bin/su", body: "suid", mode: 0o4755 },
    { name: "etc/", type: "directory" },
    { name: "etc/gone", body: "delete me" },
    { name: "etc/keep", body: "keep" },
    { name: "opaque/", type: "directory" },
    { name: "opaque/old", body: "hidden later" },
    { name: "home/user/", type: "directory", uid: 1000, gid: 1000, mode: 0o700 },
    { name: "home/user/notes", body: "mine", uid: 1000, gid: 1000 },
  ]);
  const l2 = await makeTar([
    { name: "etc/", type: "directory" },
    { name: "etc/.wh.gone" },
    { name: "opaque/", type: "directory" },
    { name: "opaque/.wh..wh..opq" },
    { name: "opaque/new", body: "fresh" },
    { name: "link-to-tool", type: "symlink", linkname: "bin/tool" },
  ]);
  const l3 = await makeTar([
    { name: "bin/", type: "directory" },
    { name: "bin/tool", body: "v3", mode: 0o755 },
    { name: "bin/tool-hard", type: "link", linkname: "bin/tool" },
    { name: "dev/", type: "directory" },
    { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
  ]);
  return [layerSource(l1, { gzip: true }), layerSource(l2), layerSource(l3, { gzip: true })];
}

describe.runIf(ready)("OverlaySnapshotter", () => {
  let root: string;
  let snaps: OverlaySnapshotter;
  let top: string | undefined;
  const a = `ctr-a-${process.pid}`;
  const b = `ctr-b-${process.pid}`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-snap-"));
    snaps = await OverlaySnapshotter.open({ root });
  });

  afterAll(async () => {
    await snaps?.removeActive(a);
    await snaps?.removeActive(b);
    snaps?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("unpacks an image once, even when prepared concurrently", async () => {
    const layers = await imageLayers();
    const events: string[] = [];
    const [t1, t2] = await Promise.all([
      snaps.prepareImage(layers, (e) => e.done && events.push(e.diffId)),
      snaps.prepareImage(layers),
    ]);
    expect(t1).toBeDefined();
    expect(t2).toBe(t1);
    top = t1;
    expect(events).toHaveLength(3);
    expect(await readdir(join(root, "snapshots"))).toHaveLength(3);
  });

  it("mounts two containers on the same chain with the expected merged view", async () => {
    await snaps.createActive(a, top);
    await snaps.createActive(b, top);
    const ma = await snaps.mount(a);
    expect(await snaps.mount(a)).toBe(ma); // idempotent
    const mb = await snaps.mount(b);
    expect(await readFile(join(ma, "bin/tool"), "utf8")).toBe("v3");
    expect((await lstat(join(ma, "bin/tool"))).ino).toBe((await lstat(join(ma, "bin/tool-hard"))).ino);
    await expect(lstat(join(ma, "etc/gone"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(ma, "etc/keep"), "utf8")).toBe("keep");
    expect(await readdir(join(ma, "opaque"))).toEqual(["new"]);
    expect(await readlink(join(ma, "link-to-tool"))).toBe("bin/tool");
    expect((await lstat(join(ma, "bin/su"))).mode & 0o7777).toBe(0o4755);
    const home = await lstat(join(ma, "home/user/notes"));
    expect([home.uid, home.gid]).toEqual([1000, 1000]);
    const dev = await lstat(join(ma, "dev/null"));
    expect(dev.isCharacterDevice() && dev.rdev).toBe(0x103);

    await writeFile(join(ma, "etc/new-in-a"), "a only");
    await expect(lstat(join(mb, "etc/new-in-a"))).rejects.toThrow(/ENOENT/);
  });

  it("diffs the upper dir as an OCI layer with whiteouts and opaque markers", async () => {
    const ma = await snaps.mount(a);
    await unlink(join(ma, "etc/keep"));
    await rm(join(ma, "home/user"), { recursive: true });
    await mkdir(join(ma, "home/user"));
    await writeFile(join(ma, "home/user/fresh"), "x");
    const entries = await readTar(snaps.diff(a));
    const names = entries.map((e) => e.name);
    expect(names).toContain("etc/new-in-a");
    expect(names).toContain("etc/.wh.keep");
    expect(names).toContain("home/user/.wh..wh..opq");
    expect(names).toContain("home/user/fresh");
    expect(entries.find((e) => e.name === "etc/new-in-a")?.body).toBe("a only");
    expect(await snaps.usage(a)).toBeGreaterThanOrEqual("a only".length + 1);
  });

  it("commits: the diff applied as a new layer reproduces the container's changes", async () => {
    const ma = await snaps.mount(a);
    await writeFile(join(ma, "bin/mine"), "suid", { mode: 0o755 });
    await chown(join(ma, "bin/mine"), 1000, 1000);
    await chmod(join(ma, "bin/mine"), 0o4755);
    await link(join(ma, "bin/mine"), join(ma, "bin/mine-hard"));
    const chunks: Buffer[] = [];
    for await (const c of snaps.diff(a)) chunks.push(c as Buffer);
    const diff = Buffer.concat(chunks);
    const entries = await readTar(Readable.from([diff]));
    expect(entries.find((e) => e.name === "bin/mine-hard")).toMatchObject({
      type: "link",
      linkname: "bin/mine",
    });
    expect(entries.find((e) => e.name === "bin/mine")).toMatchObject({ uid: 1000, gid: 1000, mode: 0o4755 });

    const layers = [...(await imageLayers()), layerSource(diff)];
    const committed = await snaps.prepareImage(layers);
    const c = `ctr-c-${process.pid}`;
    await snaps.createActive(c, committed);
    try {
      const mc = await snaps.mount(c);
      await expect(lstat(join(mc, "etc/keep"))).rejects.toThrow(/ENOENT/);
      expect(await readFile(join(mc, "etc/new-in-a"), "utf8")).toBe("a only");
      expect(await readdir(join(mc, "home/user"))).toEqual(["fresh"]);
      const mine = await lstat(join(mc, "bin/mine"));
      expect([mine.uid, mine.gid, mine.mode & 0o7777]).toEqual([1000, 1000, 0o4755]);
      expect((await lstat(join(mc, "bin/mine-hard"))).ino).toBe(mine.ino);
      expect(await readFile(join(mc, "bin/tool"), "utf8")).toBe("v3");
    } finally {
      await snaps.removeActive(c);
    }
  });

  it("exports the merged view, mounting only for the export", async () => {
    await snaps.unmount(b);
    const entries = await readTar(snaps.export(b));
    const names = entries.map((e) => e.name);
    expect(names).toContain("bin/tool");
    expect(names).not.toContain("etc/gone");
    expect(entries.find((e) => e.name === "bin/tool-hard")?.type).toBe("link");
    expect(entries.find((e) => e.name === "bin/su")?.mode).toBe(0o4755);
    expect(await isMountPoint(join(root, "snapshots"))).toBe(false);
  });

  it("creates and mounts a snapshot without a parent (an image with no layers)", async () => {
    const key = `empty-${process.pid}`;
    expect(await snaps.prepareImage([])).toBeUndefined();
    await snaps.createActive(key, undefined);
    const m = await snaps.mount(key);
    expect(await readdir(m)).toEqual([]);
    await snaps.removeActive(key);
    expect(await isMountPoint(m)).toBe(false);
  });

  it("refuses a layer whose content does not match its diff ID and records nothing", async () => {
    const tar = await makeTar([{ name: "x", body: "x" }]);
    const wrong = sha256(Buffer.from("something else"));
    await expect(snaps.prepareImage([layerSource(tar, { diffId: wrong })])).rejects.toThrow(/digest/);
    expect(snaps.hasChain(wrong)).toBe(false);
    expect((await readdir(join(root, "snapshots"))).filter((n) => n.startsWith("new-"))).toEqual([]);
  });

  it("prunes chains no longer needed, keeping those below active snapshots", async () => {
    // Only the committed layer is above the containers' chain.
    expect(await snaps.prune(new Set())).toHaveLength(1);
    expect(await snaps.prune(new Set())).toEqual([]);
    await snaps.removeActive(a);
    await snaps.removeActive(b);
    expect(await snaps.prune(new Set([top as string]))).toEqual([]);
    expect(await snaps.prune(new Set())).toHaveLength(3);
    expect(await readdir(join(root, "snapshots"))).toEqual([]);
  });
});
