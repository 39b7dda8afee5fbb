import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDistribution, type DistributionRegistry } from "./distribution.js";
import { OciMediaType, blobPath, resolveTag, writeImageLayout, writeIndexLayout } from "./oci-layout.js";
import { skopeoCopy } from "./skopeo.js";
import { requireTool } from "./tools.js";

const haveTools = requireTool("skopeo") && requireTool("docker-registry");

async function registryDigest(registry: DistributionRegistry, repo: string, ref: string, accept: string) {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${ref}`, {
    method: "HEAD",
    headers: { Accept: accept },
  });
  return { status: res.status, digest: res.headers.get("docker-content-digest") };
}

describe.skipIf(!haveTools)("OCI layouts written by test/support/oci-layout.ts", () => {
  let registry: DistributionRegistry;
  let work: string;

  beforeAll(async () => {
    registry = await startDistribution();
    work = await mkdtemp(join(tmpdir(), "skiff-oci-layout-test-"));
  });

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("copies an image to a registry and back with unchanged digests", async () => {
    const src = join(work, "image");
    const image = await writeImageLayout(src, { tag: "v1", layers: [1 << 20, 300_000, 10] });
    expect(image.layerDigests).toHaveLength(3);
    expect(image.diffIds).toHaveLength(3);

    await skopeoCopy(`oci:${src}:v1`, `docker://${registry.hostPort}/selftest/image:v1`);
    const remote = await registryDigest(registry, "selftest/image", "v1", OciMediaType.manifest);
    expect(remote).toEqual({ status: 200, digest: image.manifestDigest });

    const out = join(work, "image-out");
    await skopeoCopy(`docker://${registry.hostPort}/selftest/image:v1`, `oci:${out}:v1`);
    expect((await resolveTag(out, "v1"))?.digest).toBe(image.manifestDigest);
    for (const layer of image.layers) {
      expect((await stat(blobPath(out, layer.digest))).size).toBe(layer.size);
    }
    expect((await stat(blobPath(out, image.configDigest))).size).toBe(image.config.size);
  });

  it("copies a multi-platform index with --all and unchanged digests", async () => {
    const src = join(work, "index");
    const platforms = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ];
    const index = await writeIndexLayout(src, { tag: "multi", platforms, layerSize: 200_000 });
    expect(index.manifests.map((m) => m.platform)).toEqual(platforms);

    await skopeoCopy(`oci:${src}:multi`, `docker://${registry.hostPort}/selftest/multi:multi`);
    const remote = await registryDigest(registry, "selftest/multi", "multi", OciMediaType.index);
    expect(remote).toEqual({ status: 200, digest: index.indexDigest });
    for (const child of index.manifests) {
      const byDigest = await registryDigest(
        registry,
        "selftest/multi",
        child.manifestDigest,
        OciMediaType.manifest,
      );
      expect(byDigest).toEqual({ status: 200, digest: child.manifestDigest });
    }

    const out = join(work, "index-out");
    await skopeoCopy(`docker://${registry.hostPort}/selftest/multi:multi`, `oci:${out}:multi`);
    expect((await resolveTag(out, "multi"))?.digest).toBe(index.indexDigest);
    for (const child of index.manifests) {
      for (const digest of [child.manifestDigest, child.configDigest, ...child.layerDigests]) {
        await expect(stat(blobPath(out, digest))).resolves.toBeTruthy();
      }
    }
  });

  it("gives the same digests for the same seed", async () => {
    const a = await writeImageLayout(join(work, "seed-a"), { tag: "x", layers: [70_000], seed: 7 });
    const b = await writeImageLayout(join(work, "seed-b"), { tag: "x", layers: [70_000], seed: 7 });
    const c = await writeImageLayout(join(work, "seed-c"), { tag: "x", layers: [70_000], seed: 8 });
    expect(b.manifestDigest).toBe(a.manifestDigest);
    expect(c.manifestDigest).not.toBe(a.manifestDigest);
  });
});
