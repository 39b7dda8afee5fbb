// kill -9 while a layer is being unpacked (inside a live overlay mount) leaves a state that the
// next open sweeps clean: no staging dirs, no stray mounts, the half layer not recorded.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OverlaySnapshotter } from "../src/snapshots/overlay.js";
import { chainIds } from "../src/snapshots/chain.js";
import { mountPoints } from "../src/snapshots/mounts.js";
import { crashLayers } from "../src/snapshots/testing/tar-fixtures.js";
import { exited, killOnExit, onLines } from "./support/child.js";
import { requireTool } from "./support/tools.js";

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && !isRoot)
  throw new Error("snapshot crash test needs root (overlayfs mounts)");
const ready = isRoot && requireTool("mount");

describe.runIf(ready)("kill -9 during layer unpack", () => {
  let root: string | undefined;
  afterAll(async () => {
    if (root === undefined) return;
    for (const m of [...(await mountPoints())].filter((p) => p.startsWith(`${root}/`))) {
      spawn("umount", [m]);
    }
    await rm(root, { recursive: true, force: true });
  });

  it("reopens to a consistent state and can unpack the layer again", async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-snap-crash-"));
    // One process (tsx as a loader, not its wrapper CLI), so SIGKILL hits the unpacker itself.
    const child = spawn(process.execPath, ["--import", "tsx", "src/snapshots/testing/crash-child.ts", root], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    killOnExit(child);
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      onLines(child.stdout, (line) => {
        lines.push(line);
        if (line === "unpacking") resolve();
      });
      child.once("exit", () => reject(new Error(`child exited early: ${lines.join(",")}`)));
    });
    child.kill("SIGKILL");
    await exited(child);
    expect(lines).not.toContain("finished");
    const dir = join(root, "snapshots");
    expect((await readdir(dir)).some((n) => n.startsWith("new-"))).toBe(true);
    // The layer was being written through an overlay mount, which the kill left behind.
    expect([...(await mountPoints())].some((p) => p.startsWith(`${dir}/new-`))).toBe(true);

    const layers = await crashLayers();
    const [baseChain, topChain] = chainIds(layers.map((l) => l.diffId));
    const snaps = await OverlaySnapshotter.open({ root });
    try {
      expect(snaps.hasChain(baseChain as string)).toBe(true);
      expect(snaps.hasChain(topChain as string)).toBe(false);
      expect((await readdir(dir)).filter((n) => n.startsWith("new-"))).toEqual([]);
      expect([...(await mountPoints())].filter((p) => p.startsWith(`${root}/`))).toEqual([]);

      expect(await snaps.prepareImage(layers)).toBe(topChain);
      const key = `crash-${process.pid}`;
      await snaps.createActive(key, topChain);
      const merged = await snaps.mount(key);
      expect((await readdir(join(merged, "etc"))).sort()).toEqual(["base"]);
      expect(await readdir(join(merged, "data"))).toHaveLength(50);
      await snaps.removeActive(key);
    } finally {
      snaps.close();
    }
  });
});
