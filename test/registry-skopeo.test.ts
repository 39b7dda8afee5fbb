// End-to-end: skopeo pushes to, pulls from, copies within and deletes from a real Skiff
// registry (token auth over plain HTTP), and every digest survives the round trip.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OciMediaType,
  blobPath,
  resolveTag,
  writeImageLayout,
  writeIndexLayout,
  type ImageLayout,
  type IndexLayout,
} from "./support/oci-layout.js";
import { startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { skopeoCopy } from "./support/skopeo.js";
import { requireTool, runOk } from "./support/tools.js";

const haveSkopeo = requireTool("skopeo");

/** sha256 digest of a file in an OCI layout, recomputed from its bytes. */
async function fileDigest(layout: string, digest: string): Promise<string> {
  const bytes = await readFile(blobPath(layout, digest));
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Asserts that the layout at `dir` holds every listed blob with bytes that hash to its digest. */
async function expectBlobs(dir: string, digests: string[]): Promise<void> {
  for (const digest of digests) expect(await fileDigest(dir, digest)).toBe(digest);
}

describe.skipIf(!haveSkopeo)("registry with skopeo", () => {
  let server: SkiffServer;
  let work: string;
  let creds: string;
  let image: ImageLayout;
  let index: IndexLayout;
  const imageLayout = (): string => join(work, "image");
  const indexLayout = (): string => join(work, "index");
  const ref = (repo: string): string => `docker://${server.hostPort}/${repo}`;

  /** skopeo with credentials and plain HTTP; `args` go after the subcommand. */
  async function skopeo(subcommand: string, args: string[]): Promise<string> {
    const flags = ["--tls-verify=false", "--creds", creds];
    const { stdout } = await runOk("skopeo", [subcommand, ...flags, ...args], { timeoutMs: 120_000 });
    return stdout;
  }

  /** Status and Docker-Content-Digest of a manifest HEAD (a tiny lookup, so Node's fetch). */
  async function headManifest(repo: string, reference: string) {
    const res = await fetch(`${server.url}/v2/${repo}/manifests/${reference}`, {
      method: "HEAD",
      headers: {
        Authorization: `Basic ${Buffer.from(creds).toString("base64")}`,
        Accept: [OciMediaType.manifest, OciMediaType.index].join(", "),
      },
    });
    return { status: res.status, digest: res.headers.get("docker-content-digest") };
  }

  beforeAll(async () => {
    server = await startSkiffServer();
    creds = `skiff:${server.password}`;
    work = await mkdtemp(join(tmpdir(), "skiff-skopeo-test-"));
    image = await writeImageLayout(imageLayout(), { tag: "v1", layers: [64_000, 20_000, 5_000, 100] });
    index = await writeIndexLayout(indexLayout(), {
      tag: "multi",
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ],
      layerSize: 30_000,
    });
  });

  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("copies a four-layer image in and out with unchanged manifest, config and layer digests", async () => {
    expect(image.layerDigests).toHaveLength(4);
    await skopeoCopy(`oci:${imageLayout()}:v1`, `${ref("skopeo/image")}:v1`, { destCreds: creds });
    expect(await headManifest("skopeo/image", "v1")).toEqual({ status: 200, digest: image.manifestDigest });

    const out = join(work, "image-out");
    await skopeoCopy(`${ref("skopeo/image")}:v1`, `oci:${out}:v1`, { srcCreds: creds });
    expect((await resolveTag(out, "v1"))?.digest).toBe(image.manifestDigest);
    await expectBlobs(out, [image.manifestDigest, image.configDigest, ...image.layerDigests]);
    const manifest = JSON.parse(await readFile(blobPath(out, image.manifestDigest), "utf8")) as {
      config: { digest: string };
      layers: Array<{ digest: string }>;
    };
    expect(manifest.config.digest).toBe(image.configDigest);
    expect(manifest.layers.map((l) => l.digest)).toEqual(image.layerDigests);
  });

  it("copies a multi-arch index in and out with --all and unchanged digests", async () => {
    await skopeoCopy(`oci:${indexLayout()}:multi`, `${ref("skopeo/multi")}:multi`, {
      destCreds: creds,
      all: true,
    });
    expect(await headManifest("skopeo/multi", "multi")).toEqual({ status: 200, digest: index.indexDigest });
    for (const child of index.manifests) {
      expect(await headManifest("skopeo/multi", child.manifestDigest)).toEqual({
        status: 200,
        digest: child.manifestDigest,
      });
    }

    const out = join(work, "index-out");
    await skopeoCopy(`${ref("skopeo/multi")}:multi`, `oci:${out}:multi`, { srcCreds: creds, all: true });
    expect((await resolveTag(out, "multi"))?.digest).toBe(index.indexDigest);
    await expectBlobs(out, [index.indexDigest]);
    for (const child of index.manifests) {
      await expectBlobs(out, [child.manifestDigest, child.configDigest, ...child.layerDigests]);
    }
  });

  it("skopeo inspect shows the tag and the digest", async () => {
    const inspected = JSON.parse(await skopeo("inspect", [`${ref("skopeo/image")}:v1`])) as {
      Name: string;
      Digest: string;
      RepoTags: string[];
      Layers: string[];
    };
    expect(inspected.Name).toBe(`${server.hostPort}/skopeo/image`);
    expect(inspected.Digest).toBe(image.manifestDigest);
    expect(inspected.RepoTags).toContain("v1");
    expect(inspected.Layers).toEqual(image.layerDigests);

    const raw = await skopeo("inspect", ["--raw", `${ref("skopeo/multi")}:multi`]);
    expect(`sha256:${createHash("sha256").update(raw).digest("hex")}`).toBe(index.indexDigest);
  });

  it("skopeo list-tags lists every tag of the repository", async () => {
    await skopeoCopy(`${ref("skopeo/image")}:v1`, `${ref("skopeo/image")}:v1.1`, {
      srcCreds: creds,
      destCreds: creds,
    });
    await skopeoCopy(`${ref("skopeo/image")}:v1`, `${ref("skopeo/image")}:latest`, {
      srcCreds: creds,
      destCreds: creds,
    });
    const listed = JSON.parse(await skopeo("list-tags", [ref("skopeo/image")])) as {
      Repository: string;
      Tags: string[];
    };
    expect(listed.Repository).toBe(`${server.hostPort}/skopeo/image`);
    expect([...listed.Tags].sort()).toEqual(["latest", "v1", "v1.1"]);
  });

  it("copies between two repositories of the registry through cross-repository mounts", async () => {
    const before = server.logs.length;
    await skopeoCopy(`${ref("skopeo/image")}:v1`, `${ref("skopeo/image-copy")}:copied`, {
      srcCreds: creds,
      destCreds: creds,
    });
    expect(await headManifest("skopeo/image-copy", "copied")).toEqual({
      status: 200,
      digest: image.manifestDigest,
    });

    // skopeo asks to mount blobs it knows from the source repository of the same registry.
    const mounts = server.logs
      .slice(before)
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; url?: string; status?: number })
      .filter(
        (e) =>
          e.msg === "request" && /\/v2\/skopeo\/image-copy\/blobs\/uploads\/\?.*mount=/.test(e.url ?? ""),
      );
    expect(mounts.length, "mount requests in the server log").toBeGreaterThan(0);
    expect(mounts.filter((m) => m.status === 201).length).toBeGreaterThan(0);

    const out = join(work, "copy-out");
    await skopeoCopy(`${ref("skopeo/image-copy")}:copied`, `oci:${out}:copied`, { srcCreds: creds });
    expect((await resolveTag(out, "copied"))?.digest).toBe(image.manifestDigest);
    await expectBlobs(out, [image.configDigest, ...image.layerDigests]);
  });

  it("skopeo delete removes an image by tag and by digest", async () => {
    const repo = "skopeo/delete";
    const other = await writeImageLayout(join(work, "delete-src"), { tag: "y", layers: [3_000] });
    await skopeoCopy(`${ref("skopeo/image")}:v1`, `${ref(repo)}:x`, { srcCreds: creds, destCreds: creds });
    await skopeoCopy(`oci:${join(work, "delete-src")}:y`, `${ref(repo)}:y`, { destCreds: creds });
    expect(await headManifest(repo, "x")).toEqual({ status: 200, digest: image.manifestDigest });
    expect(await headManifest(repo, "y")).toEqual({ status: 200, digest: other.manifestDigest });

    await skopeo("delete", [`${ref(repo)}:x`]);
    expect((await headManifest(repo, "x")).status).toBe(404);
    expect((await headManifest(repo, image.manifestDigest)).status).toBe(404);
    expect((await headManifest(repo, "y")).status).toBe(200);
    // Other repositories holding the same image are untouched.
    expect((await headManifest("skopeo/image", "v1")).status).toBe(200);

    await skopeo("delete", [`${ref(repo)}@${other.manifestDigest}`]);
    expect((await headManifest(repo, other.manifestDigest)).status).toBe(404);
    expect((await headManifest(repo, "y")).status).toBe(404);
    const listed = JSON.parse(await skopeo("list-tags", [ref(repo)])) as { Tags: string[] };
    expect(listed.Tags).toEqual([]);
  });
});
