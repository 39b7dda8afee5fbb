// End-to-end: the manifest, tag listing, catalog and referrers endpoints of a real Skiff
// registry, driven with curl. Manifests and blobs are small JSON documents built here.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorCodes,
  pushBlob,
  registryRequest,
  sha256,
  type CurlResponse,
  type RegistryRequest,
} from "./support/http.js";
import { startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { requireTool } from "./support/tools.js";

const haveCurl = requireTool("curl");

const MT = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;
const ACCEPT_ALL = [MT.ociManifest, MT.ociIndex, MT.dockerManifest, MT.dockerList].join(", ");
const MAX_MANIFEST = 4 * 1024 * 1024;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface Pushed {
  body: Buffer;
  digest: string;
  mediaType: string;
  descriptor: Descriptor;
  /** Config and layer digests (empty for an index). */
  blobs: string[];
  /** The answer to the manifest PUT. */
  response: CurlResponse;
}

function expectError(res: CurlResponse, status: number, code?: string): void {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  if (code !== undefined) {
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(errorCodes(res)).toContain(code);
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function linkTarget(res: CurlResponse): string | undefined {
  const link = res.headers.link;
  if (link === undefined) return undefined;
  const match = /^<([^>]+)>;\s*rel="next"$/.exec(link);
  if (!match) throw new Error(`unexpected Link header ${link}`);
  return match[1];
}

/** Follows `Link: rel="next"` from `start`, checking each page's size, and returns every entry. */
async function collectPagesWith(
  req: RegistryRequest,
  start: string,
  key: "tags" | "repositories",
  pageSize: number,
): Promise<string[]> {
  const collected: string[] = [];
  let next: string | undefined = start;
  for (let pages = 0; next !== undefined; pages++) {
    if (pages > 100) throw new Error(`pagination from ${start} does not end`);
    const page = await req("GET", next);
    expect(page.status).toBe(200);
    const entries = (page.json as Record<string, string[]>)[key]!;
    expect(entries.length).toBeLessThanOrEqual(pageSize);
    collected.push(...entries);
    next = linkTarget(page);
  }
  return collected;
}

/** Asserts that the Link header points at `path` with `n` and `last` (however they are encoded). */
function expectNextPage(res: CurlResponse, path: string, n: number, last: string | undefined): void {
  const target = linkTarget(res);
  expect(target, "Link header").toBeDefined();
  const url = new URL(target ?? "", "http://registry.invalid");
  expect(url.pathname).toBe(path);
  expect(url.searchParams.get("n")).toBe(String(n));
  expect(url.searchParams.get("last")).toBe(last);
}

describe.skipIf(!haveCurl)("registry manifests, listings and referrers (curl)", () => {
  let server: SkiffServer;
  let req: RegistryRequest;

  beforeAll(async () => {
    server = await startSkiffServer();
    req = registryRequest(server);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const putManifest = (repo: string, reference: string, body: Buffer, mediaType: string) =>
    req("PUT", `/v2/${repo}/manifests/${reference}`, { headers: { "Content-Type": mediaType }, body });
  const getManifest = (repo: string, reference: string, method = "GET") =>
    req(method, `/v2/${repo}/manifests/${reference}`, { headers: { Accept: ACCEPT_ALL } });

  /** Pushes a config and `layers` random layer blobs, then the image manifest by digest. */
  async function pushImage(
    repo: string,
    opts: { docker?: boolean; architecture?: string; layers?: number; tag?: string } = {},
  ): Promise<Pushed> {
    const docker = opts.docker ?? false;
    const architecture = opts.architecture ?? "amd64";
    const layers: Descriptor[] = [];
    for (let i = 0; i < (opts.layers ?? 2); i++) {
      const bytes = randomBytes(200 + i);
      layers.push({
        mediaType: docker ? MT.dockerLayer : MT.ociLayer,
        digest: await pushBlob(req, repo, bytes),
        size: bytes.length,
      });
    }
    const configBytes = jsonBytes({
      architecture,
      os: "linux",
      rootfs: { type: "layers", diff_ids: layers.map(() => sha256(randomBytes(8))) },
    });
    const config: Descriptor = {
      mediaType: docker ? MT.dockerConfig : MT.ociConfig,
      digest: await pushBlob(req, repo, configBytes),
      size: configBytes.length,
    };
    const mediaType = docker ? MT.dockerManifest : MT.ociManifest;
    const body = jsonBytes({ schemaVersion: 2, mediaType, config, layers });
    const digest = sha256(body);
    const res = await putManifest(repo, opts.tag ?? digest, body, mediaType);
    if (res.status !== 201) throw new Error(`pushing manifest to ${repo}: HTTP ${res.status} ${res.text}`);
    return {
      body,
      digest,
      mediaType,
      descriptor: { mediaType, digest, size: body.length, platform: { os: "linux", architecture } },
      blobs: [config.digest, ...layers.map((l) => l.digest)],
      response: res,
    };
  }

  /** An index (OCI or Docker list) over one image per architecture, not yet pushed. */
  async function buildIndex(repo: string, docker: boolean, architectures = ["amd64", "arm64"]) {
    const children: Pushed[] = [];
    for (const architecture of architectures) children.push(await pushImage(repo, { docker, architecture }));
    const mediaType = docker ? MT.dockerList : MT.ociIndex;
    const body = jsonBytes({ schemaVersion: 2, mediaType, manifests: children.map((c) => c.descriptor) });
    return { body, mediaType, children };
  }

  type Kind = "OCI image manifest" | "Docker schema 2 manifest" | "OCI image index" | "Docker manifest list";
  const kinds: Kind[] = [
    "OCI image manifest",
    "Docker schema 2 manifest",
    "OCI image index",
    "Docker manifest list",
  ];

  async function buildManifest(kind: Kind, repo: string): Promise<{ body: Buffer; mediaType: string }> {
    switch (kind) {
      case "OCI image manifest":
      case "Docker schema 2 manifest": {
        const docker = kind === "Docker schema 2 manifest";
        // Push the blobs through a throwaway image, then build a fresh manifest over them.
        const image = await pushImage(repo, { docker });
        const doc = JSON.parse(image.body.toString("utf8")) as Record<string, unknown>;
        return {
          body: jsonBytes({ ...doc, annotations: { "test.nonce": randomBytes(4).toString("hex") } }),
          mediaType: image.mediaType,
        };
      }
      case "OCI image index":
        return buildIndex(repo, false);
      case "Docker manifest list":
        return buildIndex(repo, true);
    }
  }

  describe.each(kinds)("%s", (kind) => {
    it("is stored by tag and by digest and served by both with its media type and digest", async () => {
      const repo = `manifests/${kind.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
      const { body, mediaType } = await buildManifest(kind, repo);
      const digest = sha256(body);

      const byTag = await putManifest(repo, "v1", body, mediaType);
      expect(byTag.status, byTag.text).toBe(201);
      expect(byTag.headers["docker-content-digest"]).toBe(digest);
      expect(byTag.headers.location).toMatch(new RegExp(`/v2/${repo}/manifests/${digest}$`));

      const byDigest = await putManifest(repo, digest, body, mediaType);
      expect(byDigest.status, byDigest.text).toBe(201);
      expect(byDigest.headers["docker-content-digest"]).toBe(digest);
      expect(byDigest.headers.location).toMatch(new RegExp(`/v2/${repo}/manifests/${digest}$`));

      for (const reference of ["v1", digest]) {
        const get = await getManifest(repo, reference);
        expect(get.status).toBe(200);
        expect(get.headers["content-type"]).toBe(mediaType);
        expect(get.headers["docker-content-digest"]).toBe(digest);
        expect(get.body.equals(body)).toBe(true);

        const head = await getManifest(repo, reference, "HEAD");
        expect(head.status).toBe(200);
        expect(head.headers["content-type"]).toBe(mediaType);
        expect(head.headers["docker-content-digest"]).toBe(digest);
        expect(head.headers["content-length"]).toBe(String(body.length));
      }
    });
  });

  it("refuses a manifest that references a missing blob, and stores nothing", async () => {
    const repo = "manifests/missing";
    const layer = await pushBlob(req, repo, randomBytes(100));
    const absent = sha256(randomBytes(100));
    const body = jsonBytes({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, digest: absent, size: 100 },
      layers: [{ mediaType: MT.ociLayer, digest: layer, size: 100 }],
    });
    const digest = sha256(body);
    const res = await putManifest(repo, "broken", body, MT.ociManifest);
    expectError(res, 400, "MANIFEST_BLOB_UNKNOWN");

    expectError(await getManifest(repo, "broken"), 404, "MANIFEST_UNKNOWN");
    expectError(await getManifest(repo, digest), 404, "MANIFEST_UNKNOWN");
    const tags = await req("GET", `/v2/${repo}/tags/list`);
    expect(tags.status).toBe(200);
    expect((tags.json as { tags: string[] }).tags).toEqual([]);

    // The same for an index over a manifest the repository does not have.
    const index = jsonBytes({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [{ mediaType: MT.ociManifest, digest: sha256(randomBytes(10)), size: 10 }],
    });
    expectError(await putManifest(repo, "broken-index", index, MT.ociIndex), 400, "MANIFEST_BLOB_UNKNOWN");
    expectError(await getManifest(repo, sha256(index)), 404, "MANIFEST_UNKNOWN");
  });

  it("refuses malformed manifests with MANIFEST_INVALID", async () => {
    const repo = "manifests/invalid";
    const config = await pushBlob(req, repo, "{}");
    const bad: Array<[string, string]> = [
      ["{not json", MT.ociManifest],
      ["[]", MT.ociManifest],
      [JSON.stringify({ schemaVersion: 1, mediaType: MT.ociManifest }), MT.ociManifest],
      [JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, layers: [] }), MT.ociManifest],
      [
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MT.ociManifest,
          config: { mediaType: MT.ociConfig, digest: "sha256:nothex", size: 2 },
          layers: [],
        }),
        MT.ociManifest,
      ],
      [JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: "none" }), MT.ociIndex],
      // The body says one media type, the Content-Type another.
      [
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MT.ociManifest,
          config: { mediaType: MT.ociConfig, digest: config, size: 2 },
          layers: [],
        }),
        MT.dockerManifest,
      ],
    ];
    for (const [body, mediaType] of bad) {
      const res = await putManifest(repo, "bad", Buffer.from(body), mediaType);
      expect(res.status, `${body}: ${res.text}`).toBe(400);
      expect(errorCodes(res), body).toContain("MANIFEST_INVALID");
    }
    expectError(await getManifest(repo, "bad"), 404, "MANIFEST_UNKNOWN");
  });

  it("refuses a PUT by digest whose body hashes to another digest", async () => {
    const repo = "manifests/digest";
    const image = await pushImage(repo);
    const other = jsonBytes({ ...JSON.parse(image.body.toString("utf8")), annotations: { changed: "yes" } });
    expectError(await putManifest(repo, image.digest, other, MT.ociManifest), 400, "DIGEST_INVALID");
    expectError(await getManifest(repo, sha256(other)), 404, "MANIFEST_UNKNOWN");
  });

  it("accepts a 4 MiB manifest and refuses a bigger one with 413", async () => {
    const repo = "manifests/size";
    const image = await pushImage(repo);
    const doc = JSON.parse(image.body.toString("utf8")) as Record<string, unknown>;
    const padded = (size: number): Buffer => {
      const base = jsonBytes({ ...doc, annotations: { padding: "" } }).length;
      const body = jsonBytes({ ...doc, annotations: { padding: "x".repeat(size - base) } });
      expect(body.length).toBe(size);
      return body;
    };

    const largest = padded(MAX_MANIFEST);
    const accepted = await putManifest(repo, "largest", largest, MT.ociManifest);
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.headers["docker-content-digest"]).toBe(sha256(largest));

    const tooBig = padded(MAX_MANIFEST + 1);
    const refused = await putManifest(repo, "too-big", tooBig, MT.ociManifest);
    expect(refused.status).toBe(413);
    expectError(await getManifest(repo, "too-big"), 404, "MANIFEST_UNKNOWN");
  });

  it("lists tags in lexical order, paginated with n, last and Link", async () => {
    const repo = "manifests/tags";
    const image = await pushImage(repo);
    const tags = ["v2", "alpha", "v10", "beta", "latest", "1.0"];
    for (const tag of tags)
      expect((await putManifest(repo, tag, image.body, MT.ociManifest)).status).toBe(201);
    const sorted = [...tags].sort();

    const all = await req("GET", `/v2/${repo}/tags/list`);
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ name: repo, tags: sorted });
    expect(all.headers.link).toBeUndefined();

    const first = await req("GET", `/v2/${repo}/tags/list?n=2`);
    expect(first.json).toEqual({ name: repo, tags: sorted.slice(0, 2) });
    expectNextPage(first, `/v2/${repo}/tags/list`, 2, sorted[1]);

    expect(await collectPagesWith(req, `/v2/${repo}/tags/list?n=4`, "tags", 4)).toEqual(sorted);

    const afterLast = await req("GET", `/v2/${repo}/tags/list?n=10&last=beta`);
    expect(afterLast.json).toEqual({ name: repo, tags: sorted.filter((t) => t > "beta") });
    expect(afterLast.headers.link).toBeUndefined();

    expectError(await req("GET", "/v2/manifests/never-pushed/tags/list"), 404, "NAME_UNKNOWN");
  });

  it("lists the catalog in pages that add up to the whole list", async () => {
    const names = ["catalog/c", "catalog/a", "catalog/e", "catalog/b", "catalog/d"];
    for (const name of names) await pushImage(name, { layers: 1 });

    const all = await req("GET", "/v2/_catalog");
    expect(all.status).toBe(200);
    const repositories = (all.json as { repositories: string[] }).repositories;
    expect(repositories).toEqual([...repositories].sort());
    expect(repositories).toEqual(expect.arrayContaining(names));

    const first = await req("GET", "/v2/_catalog?n=2");
    expect((first.json as { repositories: string[] }).repositories).toEqual(repositories.slice(0, 2));
    expectNextPage(first, "/v2/_catalog", 2, repositories[1]);

    expect(await collectPagesWith(req, "/v2/_catalog?n=2", "repositories", 2)).toEqual(repositories);
  });

  describe("referrers API", () => {
    const repo = "manifests/referrers";
    const SBOM = "application/vnd.example.sbom.v1+json";
    const SIGNATURE = "application/vnd.example.signature.v1+json";
    const ATTESTATION_CONFIG = "application/vnd.example.attestation.config.v1+json";
    let subject: Pushed;
    let emptyConfig: Descriptor;

    /** An artifact manifest with `subject`; `artifactType` undefined means "use the config's type". */
    async function artifact(
      about: Descriptor,
      opts: { artifactType?: string; config?: Descriptor; annotations?: Record<string, string> },
    ) {
      const payload = randomBytes(64);
      const layer = {
        mediaType: opts.artifactType ?? "application/octet-stream",
        digest: await pushBlob(req, repo, payload),
        size: payload.length,
      };
      const body = jsonBytes({
        schemaVersion: 2,
        mediaType: MT.ociManifest,
        ...(opts.artifactType !== undefined && { artifactType: opts.artifactType }),
        config: opts.config ?? emptyConfig,
        layers: [layer],
        subject: { mediaType: about.mediaType, digest: about.digest, size: about.size },
        ...(opts.annotations !== undefined && { annotations: opts.annotations }),
      });
      return { body, digest: sha256(body) };
    }

    beforeAll(async () => {
      subject = await pushImage(repo, { tag: "app" });
      emptyConfig = { mediaType: MT.ociEmpty, digest: await pushBlob(req, repo, "{}"), size: 2 };
    });

    it("answers a push with OCI-Subject and lists referrers with artifactType and annotations", async () => {
      const sbom = await artifact(subject.descriptor, {
        artifactType: SBOM,
        annotations: {
          "org.opencontainers.image.created": "2024-01-01T00:00:00Z",
          "org.example.kind": "sbom",
        },
      });
      const pushed = await putManifest(repo, sbom.digest, sbom.body, MT.ociManifest);
      expect(pushed.status, pushed.text).toBe(201);
      expect(pushed.headers["oci-subject"]).toBe(subject.digest);

      const signature = await artifact(subject.descriptor, {
        artifactType: SIGNATURE,
        annotations: { "org.example.kind": "signature" },
      });
      const signed = await putManifest(repo, "sig", signature.body, MT.ociManifest);
      expect(signed.status, signed.text).toBe(201);
      expect(signed.headers["oci-subject"]).toBe(subject.digest);

      // No artifactType: the referrers API reports the config's media type.
      const configBytes = jsonBytes({ predicate: "test" });
      const attestationConfig = {
        mediaType: ATTESTATION_CONFIG,
        digest: await pushBlob(req, repo, configBytes),
        size: configBytes.length,
      };
      const attestation = await artifact(subject.descriptor, { config: attestationConfig });
      expect((await putManifest(repo, attestation.digest, attestation.body, MT.ociManifest)).status).toBe(
        201,
      );

      // A plain image has no subject and no OCI-Subject header.
      const plain = await pushImage(repo, { layers: 1 });
      expect(plain.response.headers["oci-subject"]).toBeUndefined();

      const res = await req("GET", `/v2/${repo}/referrers/${subject.digest}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/vnd\.oci\.image\.index\.v1\+json/);
      const index = res.json as { schemaVersion: number; mediaType: string; manifests: Descriptor[] };
      expect(index.schemaVersion).toBe(2);
      expect(index.mediaType).toBe(MT.ociIndex);
      expect(index.manifests).toHaveLength(3);
      expect(index.manifests).toContainEqual({
        mediaType: MT.ociManifest,
        digest: sbom.digest,
        size: sbom.body.length,
        artifactType: SBOM,
        annotations: {
          "org.opencontainers.image.created": "2024-01-01T00:00:00Z",
          "org.example.kind": "sbom",
        },
      });
      expect(index.manifests).toContainEqual({
        mediaType: MT.ociManifest,
        digest: signature.digest,
        size: signature.body.length,
        artifactType: SIGNATURE,
        annotations: { "org.example.kind": "signature" },
      });
      expect(index.manifests).toContainEqual({
        mediaType: MT.ociManifest,
        digest: attestation.digest,
        size: attestation.body.length,
        artifactType: ATTESTATION_CONFIG,
      });
      expect(res.headers["oci-filters-applied"]).toBeUndefined();

      const filtered = await req(
        "GET",
        `/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(SBOM)}`,
      );
      expect(filtered.status).toBe(200);
      expect(filtered.headers["oci-filters-applied"]).toBe("artifactType");
      const filteredIndex = filtered.json as { manifests: Descriptor[] };
      expect(filteredIndex.manifests.map((m) => m.digest)).toEqual([sbom.digest]);
    });

    it("accepts a referrer before its subject exists", async () => {
      const later = { mediaType: MT.ociManifest, digest: sha256(randomBytes(32)), size: 123 };
      const early = await artifact(later, { artifactType: SBOM });
      const pushed = await putManifest(repo, early.digest, early.body, MT.ociManifest);
      expect(pushed.status, pushed.text).toBe(201);
      expect(pushed.headers["oci-subject"]).toBe(later.digest);
      const res = await req("GET", `/v2/${repo}/referrers/${later.digest}`);
      expect((res.json as { manifests: Descriptor[] }).manifests.map((m) => m.digest)).toEqual([
        early.digest,
      ]);
    });

    it("answers 200 with an empty index for a digest nothing refers to", async () => {
      const res = await req("GET", `/v2/${repo}/referrers/${sha256(randomBytes(16))}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/vnd\.oci\.image\.index\.v1\+json/);
      expect(res.json).toEqual({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] });
    });
  });

  it("deletes by tag only the tag, and by digest the manifest", async () => {
    const repo = "manifests/delete";
    const image = await pushImage(repo, { tag: "keep" });
    expect((await putManifest(repo, "drop", image.body, MT.ociManifest)).status).toBe(201);

    const untag = await req("DELETE", `/v2/${repo}/manifests/drop`);
    expect(untag.status).toBe(202);
    expectError(await getManifest(repo, "drop"), 404, "MANIFEST_UNKNOWN");
    expect((await getManifest(repo, "keep")).status).toBe(200);
    expect((await getManifest(repo, image.digest)).status).toBe(200);
    expect((await req("GET", `/v2/${repo}/tags/list`)).json).toEqual({ name: repo, tags: ["keep"] });

    const removed = await req("DELETE", `/v2/${repo}/manifests/${image.digest}`);
    expect(removed.status).toBe(202);
    expectError(await getManifest(repo, image.digest), 404, "MANIFEST_UNKNOWN");
    expect((await getManifest(repo, image.digest, "HEAD")).status).toBe(404);
    expectError(await getManifest(repo, "keep"), 404, "MANIFEST_UNKNOWN");
    expect((await req("GET", `/v2/${repo}/tags/list`)).json).toEqual({ name: repo, tags: [] });
    expectError(await req("DELETE", `/v2/${repo}/manifests/${image.digest}`), 404, "MANIFEST_UNKNOWN");
    expectError(await req("DELETE", `/v2/${repo}/manifests/drop`), 404, "MANIFEST_UNKNOWN");
  });

  it("deleting an index keeps a child that is tagged elsewhere pullable with all its blobs", async () => {
    const repo = "manifests/multi";
    const { body, mediaType, children } = await buildIndex(repo, false);
    const [amd64] = children;
    if (amd64 === undefined) throw new Error("no amd64 child");
    expect((await putManifest(repo, "amd64-only", amd64.body, amd64.mediaType)).status).toBe(201);
    expect((await putManifest(repo, "multi", body, mediaType)).status).toBe(201);
    const indexDigest = sha256(body);

    const deleted = await req("DELETE", `/v2/${repo}/manifests/${indexDigest}`);
    expect(deleted.status).toBe(202);
    expectError(await getManifest(repo, indexDigest), 404, "MANIFEST_UNKNOWN");
    expectError(await getManifest(repo, "multi"), 404, "MANIFEST_UNKNOWN");

    const kept = await getManifest(repo, "amd64-only");
    expect(kept.status).toBe(200);
    expect(kept.headers["docker-content-digest"]).toBe(amd64.digest);
    expect(kept.body.equals(amd64.body)).toBe(true);
    for (const digest of amd64.blobs) {
      const blob = await req("GET", `/v2/${repo}/blobs/${digest}`);
      expect(blob.status, digest).toBe(200);
      expect(sha256(blob.body)).toBe(digest);
    }
    expect((await req("GET", `/v2/${repo}/tags/list`)).json).toEqual({ name: repo, tags: ["amd64-only"] });
  });
});
