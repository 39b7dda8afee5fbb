// Hostile or broken layers through the snapshotter (needs root): each is refused with an error
// naming the entry, nothing is recorded, nothing is left in the snapshots dir or outside it.
// Also: a long chain of layers still mounts (short relative lowerdir paths).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { OverlaySnapshotter } from "../src/snapshots/overlay.js";
import { mountPoints } from "../src/snapshots/mounts.js";
import { layerSource, makeTar, sha256, type FixtureEntry } from "../src/snapshots/testing/tar-fixtures.js";
import { requireTool } from "./support/tools.js";
import type { Digest } from "../src/oci/digest.js";

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && !isRoot) throw new Error("snapshot tests need root (overlayfs mounts)");
const ready = isRoot && requireTool("mount");

describe.runIf(ready)("OverlaySnapshotter with hostile layers", () => {
  let base: string;
  let root: string;
  let snaps: OverlaySnapshotter;
  let goodLayer: Awaited<ReturnType<typeof makeTar>>;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "skiff-snap-hostile-"));
    root = join(base, "data");
    snaps = await OverlaySnapshotter.open({ root });
    goodLayer = await makeTar([{ name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\n" }]);
    await snaps.prepareImage([layerSource(goodLayer)]);
  });

  afterAll(async () => {
    snaps?.close();
    await rm(base, { recursive: true, force: true });
  });

  const cases: Array<[string, FixtureEntry[], RegExp]> = [
    ["a '..' entry", [{ name: "../x", body: "evil" }], /refusing tar entry "..\/x": path escapes the root/],
    [
      "a write below a symlink to outside",
      [
        { name: "up", type: "symlink", linkname: "../../../.." },
        { name: "up/etc/x", body: "evil" },
      ],
      /refusing tar entry "up\/etc\/x": a symlink in its path points outside the root/,
    ],
    [
      "a hardlink to ../../etc/passwd",
      [{ name: "pw", type: "link", linkname: "../../etc/passwd" }],
      /refusing tar entry "pw": hardlink target "..\/..\/etc\/passwd" is outside the root/,
    ],
  ];

  for (const [what, entries, message] of cases) {
    for (const onTop of [false, true]) {
      it(`refuses ${what} ${onTop ? "above a parent layer" : "as the bottom layer"}`, async () => {
        const bad = layerSource(await makeTar(entries));
        const layers = onTop ? [layerSource(goodLayer), bad] : [bad];
        const before = await readdir(join(root, "snapshots"));
        await expect(snaps.prepareImage(layers)).rejects.toThrow(message);
        expect(snaps.hasChain(bad.diffId)).toBe(false);
        expect(await readdir(join(root, "snapshots"))).toEqual(before);
        expect(await readdir(base)).toEqual(["data"]);
        expect([...(await mountPoints())].filter((p) => p.startsWith(`${root}/`))).toEqual([]);
      });
    }
  }

  it("makes absolute names relative", async () => {
    const tar = await makeTar([{ name: "/abs/file", body: "inside" }]);
    const chain = await snaps.prepareImage([layerSource(tar)]);
    const key = `abs-${process.pid}`;
    await snaps.createActive(key, chain);
    try {
      expect(await readFile(join(await snaps.mount(key), "abs/file"), "utf8")).toBe("inside");
    } finally {
      await snaps.removeActive(key);
    }
  });

  it("refuses zstd layers with a clear error", async () => {
    const blob = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    const diffId = sha256(Buffer.from("zstd"));
    await expect(
      snaps.prepareImage([{ diffId, open: () => Promise.resolve(Readable.from([blob])) }]),
    ).rejects.toThrow(/zstd-compressed layers are not supported/);
    expect(snaps.hasChain(diffId)).toBe(false);
  });

  it("mounts a chain of 120 layers", { timeout: 180_000 }, async () => {
    const layers = [];
    for (let i = 0; i < 120; i++)
      layers.push(layerSource(await makeTar([{ name: `l/${i}`, body: String(i) }])));
    const chain = (await snaps.prepareImage(layers)) as Digest;
    const key = `long-${process.pid}`;
    await snaps.createActive(key, chain);
    try {
      const merged = await snaps.mount(key);
      expect(await readdir(join(merged, "l"))).toHaveLength(120);
      expect(await readFile(join(merged, "l/0"), "utf8")).toBe("0");
    } finally {
      await snaps.removeActive(key);
    }
  });
});
