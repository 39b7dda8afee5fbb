import { describe, expect, it } from "vitest";
import { digestOf } from "./digest.js";
import { InvalidManifestError, parseManifest } from "./manifest.js";
import { MediaType } from "./media-types.js";

const config = { mediaType: MediaType.ociConfig, digest: digestOf("config"), size: 6 };
const layer = { mediaType: MediaType.ociLayerGzip, digest: digestOf("layer"), size: 5 };
const child = { mediaType: MediaType.ociManifest, digest: digestOf("child"), size: 300 };

const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));

function ociManifest(extra: Record<string, unknown> = {}) {
  return { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer], ...extra };
}

function ociIndex(extra: Record<string, unknown> = {}) {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [child], ...extra };
}

/** The message of the InvalidManifestError that parsing `doc` throws. */
function rejection(doc: unknown, contentType?: string): string {
  try {
    parseManifest(typeof doc === "string" ? Buffer.from(doc) : bytes(doc), contentType);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidManifestError);
    return (err as Error).message;
  }
  throw new Error("manifest was accepted");
}

describe("parseManifest: image manifests", () => {
  it("extracts config and layers of an OCI manifest as required blobs", () => {
    const parsed = parseManifest(
      bytes(ociManifest({ annotations: { "org.opencontainers.image.created": "2025-01-01" } })),
      MediaType.ociManifest,
    );
    expect(parsed).toEqual({
      mediaType: MediaType.ociManifest,
      isIndex: false,
      blobs: [config, layer],
      manifests: [],
      artifactType: MediaType.ociConfig,
      annotations: { "org.opencontainers.image.created": "2025-01-01" },
    });
  });

  it("extracts subject and artifactType of an artifact", () => {
    const emptyConfig = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 };
    const parsed = parseManifest(
      bytes(
        ociManifest({ artifactType: "application/vnd.example.sbom", config: emptyConfig, subject: child }),
      ),
      undefined,
    );
    expect(parsed.artifactType).toBe("application/vnd.example.sbom");
    expect(parsed.subject).toEqual(child);
    expect(parsed.blobs).toEqual([emptyConfig, layer]);
  });

  it("falls back to the config media type for artifactType, except for the empty config", () => {
    const custom = { ...config, mediaType: "application/vnd.example.config+json" };
    expect(parseManifest(bytes(ociManifest({ config: custom })), undefined).artifactType).toBe(
      "application/vnd.example.config+json",
    );
    const empty = { ...config, mediaType: MediaType.ociEmpty };
    expect(parseManifest(bytes(ociManifest({ config: empty })), undefined)).not.toHaveProperty(
      "artifactType",
    );
  });

  it("parses a Docker schema 2 manifest", () => {
    const dockerConfig = { ...config, mediaType: MediaType.dockerConfig };
    const dockerLayer = { ...layer, mediaType: MediaType.dockerLayerGzip };
    const doc = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: dockerConfig,
      layers: [dockerLayer],
    };
    const parsed = parseManifest(bytes(doc), MediaType.dockerManifest);
    expect(parsed).toMatchObject({ mediaType: MediaType.dockerManifest, isIndex: false, manifests: [] });
    expect(parsed.blobs).toEqual([dockerConfig, dockerLayer]);
    expect(parsed.artifactType).toBe(MediaType.dockerConfig);
  });

  it("excludes foreign layers (with urls) from the required blobs", () => {
    const foreign = {
      mediaType: MediaType.dockerForeignLayerGzip,
      digest: digestOf("windows base"),
      size: 1000,
      urls: ["https://mcr.microsoft.com/layer"],
    };
    const withEmptyUrls = { ...layer, digest: digestOf("local"), urls: [] };
    const doc = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { ...config, mediaType: MediaType.dockerConfig },
      layers: [foreign, layer, withEmptyUrls],
    };
    const parsed = parseManifest(bytes(doc), undefined);
    expect(parsed.blobs.map((b) => b.digest)).toEqual([config.digest, layer.digest, withEmptyUrls.digest]);
  });

  it("takes the media type from Content-Type when the document has none", () => {
    const { mediaType: _omitted, ...doc } = ociManifest();
    expect(parseManifest(bytes(doc), MediaType.dockerManifest).mediaType).toBe(MediaType.dockerManifest);
    expect(parseManifest(bytes(doc), `${MediaType.ociManifest}; charset=utf-8`).mediaType).toBe(
      MediaType.ociManifest,
    );
  });

  it("infers an OCI manifest or index from the shape without any media type", () => {
    const { mediaType: _m, ...manifest } = ociManifest();
    const { mediaType: _i, ...index } = ociIndex();
    expect(parseManifest(bytes(manifest), undefined).mediaType).toBe(MediaType.ociManifest);
    expect(parseManifest(bytes(index), "application/json").mediaType).toBe(MediaType.ociIndex);
  });
});

describe("parseManifest: indexes", () => {
  it("extracts the entries of an OCI index as required manifests", () => {
    const arm = {
      ...child,
      digest: digestOf("arm"),
      platform: { architecture: "arm64", os: "linux", variant: "v8" },
    };
    const parsed = parseManifest(bytes(ociIndex({ manifests: [child, arm] })), MediaType.ociIndex);
    expect(parsed).toEqual({
      mediaType: MediaType.ociIndex,
      isIndex: true,
      blobs: [],
      manifests: [child, arm],
    });
  });

  it("keeps the artifactType and subject of an index", () => {
    const parsed = parseManifest(
      bytes(ociIndex({ artifactType: "application/vnd.example.bundle", subject: child })),
      undefined,
    );
    expect(parsed.artifactType).toBe("application/vnd.example.bundle");
    expect(parsed.subject).toEqual(child);
  });

  it("parses a Docker manifest list", () => {
    const entry = {
      mediaType: MediaType.dockerManifest,
      digest: digestOf("amd64"),
      size: 500,
      platform: { architecture: "amd64", os: "linux" },
    };
    const doc = { schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [entry] };
    const parsed = parseManifest(bytes(doc), MediaType.dockerManifestList);
    expect(parsed).toEqual({
      mediaType: MediaType.dockerManifestList,
      isIndex: true,
      blobs: [],
      manifests: [entry],
    });
  });
});

describe("parseManifest: rejections", () => {
  it("rejects a Content-Type that disagrees with mediaType", () => {
    expect(rejection(ociManifest(), MediaType.ociIndex)).toBe(
      `mediaType ${MediaType.ociManifest} does not match Content-Type ${MediaType.ociIndex}`,
    );
    expect(rejection(ociManifest({ mediaType: MediaType.dockerManifest }), MediaType.ociManifest)).toContain(
      "does not match Content-Type",
    );
  });

  it("ignores a Content-Type that is not a manifest type", () => {
    expect(parseManifest(bytes(ociManifest()), "application/json").mediaType).toBe(MediaType.ociManifest);
  });

  it.each([1, 3, "2", undefined])("rejects schemaVersion %s", (schemaVersion) => {
    expect(rejection(ociManifest({ schemaVersion }))).toBe("schemaVersion: must be 2");
  });

  it("rejects documents that are not JSON objects", () => {
    expect(rejection("{not json")).toBe("manifest is not valid JSON");
    expect(rejection([ociManifest()])).toBe("manifest must be a JSON object");
    expect(rejection(null)).toBe("manifest must be a JSON object");
  });

  it("rejects unsupported media types", () => {
    expect(rejection(ociManifest({ mediaType: "application/vnd.example+json" }))).toContain(
      "unsupported manifest media type",
    );
    expect(rejection(ociManifest({ mediaType: 7 }))).toBe("mediaType: must be a string");
    expect(rejection({ schemaVersion: 2, layers: [] })).toBe("manifest has neither config nor manifests");
  });

  it("rejects a manifest without layers or an index without manifests", () => {
    expect(rejection(ociManifest({ layers: undefined }))).toBe("layers: must be a list");
    expect(rejection(ociManifest({ config: undefined }))).toBe("config: must be an object");
    expect(rejection(ociIndex({ manifests: {} }))).toBe("manifests: must be a list");
  });

  it.each([
    ["config: must be an object", { config: "sha256:abc" }],
    ["config.mediaType: required", { config: { ...config, mediaType: "" } }],
    ["config.digest: required", { config: { ...config, digest: undefined } }],
    ["config.digest: invalid digest", { config: { ...config, digest: "sha256:../../etc/passwd" } }],
    ["layers[1].size: must be a non-negative integer", { layers: [layer, { ...layer, size: -1 }] }],
    ["layers[0].size: must be a non-negative integer", { layers: [{ ...layer, size: 1.5 }] }],
    ["layers[0].size: must be a non-negative integer", { layers: [{ ...layer, size: "5" }] }],
    ["layers[0].urls: must be a list of strings", { layers: [{ ...layer, urls: "https://x" }] }],
    ["layers[0].annotations: must be a map of strings", { layers: [{ ...layer, annotations: { a: 1 } }] }],
    ["layers[0].artifactType: must be a string", { layers: [{ ...layer, artifactType: 1 }] }],
    ["subject.digest: invalid digest", { subject: { ...child, digest: "sha256:abc" } }],
    ["artifactType: must be a string", { artifactType: ["a"] }],
    ["annotations: must be a map of strings", { annotations: { n: 1 } }],
  ])("rejects a bad descriptor with the field path: %s", (message, extra) => {
    expect(rejection(ociManifest(extra))).toContain(message);
  });

  it.each([
    ["manifests[0].platform: must name an architecture and os", { architecture: 1, os: "linux" }],
    ["manifests[0].platform: must name an architecture and os", { architecture: "amd64" }],
    ["manifests[0].platform: must name an architecture and os", "linux/amd64"],
  ])("rejects an index entry with a bad platform: %s %j", (message, platform) => {
    expect(rejection(ociIndex({ manifests: [{ ...child, platform }] }))).toBe(message);
  });
});
