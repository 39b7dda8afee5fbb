// The behaviour every RegistryMetadata implementation must show, as one shared suite (like
// the distribution registry's storage driver suite). An implementation's test file calls
// `describeRegistryMetadataContract` with a factory of fresh, empty instances. Not a test
// file itself: vitest does not collect it and the build excludes it. This file holds the
// repository, blob link, upload and policy cases; the manifest cases are in
// `metadata-contract-manifests.test-suite.ts`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestOf, type Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import { describeManifestContract } from "./metadata-contract-manifests.test-suite.js";
import {
  RepositoryExistsError,
  RepositoryNotFoundError,
  type ManifestRecord,
  type RegistryMetadata,
} from "./metadata.js";
import type { TagMutabilitySettings } from "./tag-mutability.js";

export interface MetadataFixture {
  metadata: RegistryMetadata;
  /** Closes the instance and removes whatever it stored. */
  cleanup(): void;
  /** The clock the instance reads (milliseconds); tests move it. */
  now: { value: number };
}

/** What the contract's cases share: the instance of the running test and helpers over it. */
export interface ContractContext {
  /** The instance under test, fresh for each test. */
  readonly metadata: RegistryMetadata;
  now(): number;
  advance(ms: number): void;
  /** An image manifest record pushed now, with `extra` fields. */
  record(repository: string, digest: Digest, extra?: Partial<ManifestRecord>): ManifestRecord;
  /** Links `blobs` (name → size) and pushes an image manifest `name` referencing them. */
  pushImage(repository: string, name: string, options?: PushImageOptions): Digest;
  /** Pushes an index `name` listing `children`. */
  pushIndex(repository: string, name: string, children: Digest[], tag?: string): Digest;
}

export interface PushImageOptions {
  blobs?: Record<string, number>;
  tag?: string;
  size?: number;
}

const MINUTE = 60_000;
const d = (name: string): Digest => digestOf(name);

export function describeRegistryMetadataContract(name: string, open: () => MetadataFixture): void {
  describe(`RegistryMetadata contract: ${name}`, () => {
    let fixture: MetadataFixture | undefined;
    beforeEach(() => {
      fixture = open();
    });
    afterEach(() => {
      fixture?.cleanup();
      fixture = undefined;
    });
    const ctx = contractContext(() => {
      if (!fixture) throw new Error("the metadata contract's instance exists only inside a test");
      return fixture;
    });
    describeRepositoryContract(ctx);
    describeManifestContract(ctx);
  });
}

function contractContext(fixture: () => MetadataFixture): ContractContext {
  const now = () => fixture().now.value;
  const record = (
    repository: string,
    digest: Digest,
    extra: Partial<ManifestRecord> = {},
  ): ManifestRecord => ({
    repository,
    digest,
    mediaType: MediaType.ociManifest,
    size: 100,
    pushedAt: new Date(now()),
    ...extra,
  });
  return {
    get metadata() {
      return fixture().metadata;
    },
    now,
    advance: (ms) => {
      fixture().now.value += ms;
    },
    record,
    pushImage(repository, name, options = {}) {
      const md = fixture().metadata;
      const blobs = Object.entries(options.blobs ?? { [`${name}-config`]: 10 });
      for (const [blob, size] of blobs) md.linkBlob(repository, d(blob), size);
      const digest = d(name);
      md.putManifest({
        record: record(repository, digest, { size: options.size ?? 100 }),
        blobs: blobs.map(([blob]) => d(blob)),
        manifests: [],
        ...(options.tag !== undefined && { tag: options.tag }),
      });
      return digest;
    },
    pushIndex(repository, name, children, tag) {
      const digest = d(name);
      fixture().metadata.putManifest({
        record: record(repository, digest, { mediaType: MediaType.ociIndex, size: 50 }),
        blobs: [],
        manifests: children,
        ...(tag !== undefined && { tag }),
      });
      return digest;
    },
  };
}

function describeRepositoryContract(ctx: ContractContext): void {
  const { now, advance, pushImage } = ctx;
  let md: RegistryMetadata;
  beforeEach(() => {
    md = ctx.metadata;
  });
  describe("repositories", () => {
    it("ensureRepository creates a mutable repository once and returns it after", () => {
      expect(md.getRepository("app")).toBeUndefined();
      const created = md.ensureRepository("app");
      expect(created).toEqual({
        name: "app",
        createdAt: new Date(now()),
        tagMutability: "MUTABLE",
        mutabilityExclusions: [],
      });
      advance(MINUTE);
      expect(md.ensureRepository("app")).toEqual(created);
      expect(md.getRepository("app")).toEqual(created);
    });

    it("createRepository stores its settings and refuses an existing name", () => {
      const settings: TagMutabilitySettings = {
        tagMutability: "IMMUTABLE_WITH_EXCLUSION",
        mutabilityExclusions: ["dev-*"],
      };
      const created = md.createRepository("team/app", settings);
      expect(created).toEqual({ name: "team/app", ...settings, createdAt: new Date(now()) });
      expect(md.ensureRepository("team/app")).toEqual(created);
      expect(() =>
        md.createRepository("team/app", { tagMutability: "MUTABLE", mutabilityExclusions: [] }),
      ).toThrow(RepositoryExistsError);
      expect(md.getRepository("team/app")).toEqual(created);
      md.ensureRepository("other");
      expect(() =>
        md.createRepository("other", { tagMutability: "MUTABLE", mutabilityExclusions: [] }),
      ).toThrow(expect.objectContaining({ repository: "other" }));
    });

    it("updateRepository changes the settings of an existing repository only", () => {
      const created = md.ensureRepository("app");
      const updated = md.updateRepository("app", {
        tagMutability: "MUTABLE_WITH_EXCLUSION",
        mutabilityExclusions: ["v*", "release"],
      });
      expect(updated).toEqual({
        ...created,
        tagMutability: "MUTABLE_WITH_EXCLUSION",
        mutabilityExclusions: ["v*", "release"],
      });
      expect(md.getRepository("app")).toEqual(updated);
      expect(() =>
        md.updateRepository("nope", { tagMutability: "IMMUTABLE", mutabilityExclusions: [] }),
      ).toThrow(RepositoryNotFoundError);
      expect(md.getRepository("nope")).toBeUndefined();
    });

    it("deleteRepository removes everything the repository holds", () => {
      pushImage("app", "image", { tag: "v1" });
      md.createUpload({ id: "upload-1", repository: "app", startedAt: new Date(now()) });
      md.setLifecyclePolicy("app", '{"rules":[]}');
      pushImage("other", "image", { tag: "v1" });

      expect(md.deleteRepository("app")).toBe(true);
      expect(md.deleteRepository("app")).toBe(false);
      expect(md.getRepository("app")).toBeUndefined();
      expect(md.listRepositories()).toEqual(["other"]);
      expect(md.getUpload("upload-1")).toBeUndefined();
      expect(md.repositoriesWithLifecyclePolicy()).toEqual([]);

      md.ensureRepository("app");
      expect(md.getManifest("app", d("image"))).toBeUndefined();
      expect(md.resolveTag("app", "v1")).toBeUndefined();
      expect(md.getBlobLink("app", d("image-config"))).toBeUndefined();
      expect(md.listImages("app")).toEqual([]);
      expect(md.getLifecyclePolicy("app")).toBeUndefined();
      expect(md.resolveTag("other", "v1")).toBe(d("image"));
    });

    it("lists repositories in lexical order, a page at a time", () => {
      for (const name of ["b", "a/c", "a", "c", "a/b"]) md.ensureRepository(name);
      expect(md.listRepositories()).toEqual(["a", "a/b", "a/c", "b", "c"]);
      expect(md.listRepositories({ n: 2 })).toEqual(["a", "a/b"]);
      expect(md.listRepositories({ n: 2, last: "a/b" })).toEqual(["a/c", "b"]);
      expect(md.listRepositories({ last: "b" })).toEqual(["c"]);
      expect(md.listRepositories({ n: 2, last: "c" })).toEqual([]);
      expect(md.listRepositories({ last: "a/bb" })).toEqual(["a/c", "b", "c"]);
    });
  });

  describe("blob links", () => {
    it("linkBlob creates the repository and records size and time", () => {
      md.linkBlob("app", d("layer"), 42);
      expect(md.getRepository("app")).toBeDefined();
      expect(md.getBlobLink("app", d("layer"))).toEqual({
        digest: d("layer"),
        size: 42,
        linkedAt: new Date(now()),
      });
      expect(md.getBlobLink("other", d("layer"))).toBeUndefined();
      expect(md.getBlobLink("app", d("nothing"))).toBeUndefined();
    });

    it("linkBlob with finishedUpload ends that upload in the same step", () => {
      md.createUpload({ id: "upload-9", repository: "app", startedAt: new Date(now()) });
      md.linkBlob("app", d("layer"), 42, { finishedUpload: "upload-9" });
      expect(md.getBlobLink("app", d("layer"))?.size).toBe(42);
      expect(md.getUpload("upload-9")).toBeUndefined();
    });

    it("linking again and touching refresh the link time", () => {
      md.linkBlob("app", d("layer"), 42);
      advance(MINUTE);
      md.linkBlob("app", d("layer"), 42);
      expect(md.getBlobLink("app", d("layer"))?.linkedAt).toEqual(new Date(now()));
      advance(MINUTE);
      md.touchBlobLink("app", d("layer"));
      expect(md.getBlobLink("app", d("layer"))).toEqual({
        digest: d("layer"),
        size: 42,
        linkedAt: new Date(now()),
      });
      md.touchBlobLink("app", d("unlinked"));
      expect(md.getBlobLink("app", d("unlinked"))).toBeUndefined();
    });

    it("findBlob finds a link in any repository", () => {
      expect(md.findBlob(d("layer"))).toBeUndefined();
      md.linkBlob("a", d("layer"), 42);
      expect(md.findBlob(d("layer"))).toEqual({ size: 42 });
    });

    it("unlinkBlob removes one repository's link only", () => {
      md.linkBlob("a", d("layer"), 42);
      md.linkBlob("b", d("layer"), 42);
      expect(md.unlinkBlob("a", d("layer"))).toBe(true);
      expect(md.unlinkBlob("a", d("layer"))).toBe(false);
      expect(md.getBlobLink("a", d("layer"))).toBeUndefined();
      expect(md.getBlobLink("b", d("layer"))).toBeDefined();
      expect(md.findBlob(d("layer"))).toEqual({ size: 42 });
      md.unlinkBlob("b", d("layer"));
      expect(md.findBlob(d("layer"))).toBeUndefined();
    });
  });

  describe("uploads", () => {
    it("creates, reads, lists and deletes upload records", () => {
      const first = { id: "upload-1", repository: "app", startedAt: new Date(now()) };
      const second = { id: "upload-2", repository: "team/app", startedAt: new Date(now() + 1) };
      md.createUpload(first);
      md.createUpload(second);
      expect(md.getRepository("team/app")).toBeDefined();
      expect(md.getUpload("upload-1")).toEqual(first);
      expect(md.getUpload("missing")).toBeUndefined();
      expect([...md.listUploads()].sort((x, y) => x.id.localeCompare(y.id))).toEqual([first, second]);
      md.deleteUpload("upload-1");
      md.deleteUpload("missing");
      expect(md.getUpload("upload-1")).toBeUndefined();
      expect(md.listUploads()).toEqual([second]);
    });
  });

  describe("lifecycle policies", () => {
    it("sets, replaces and removes a repository's policy", () => {
      md.ensureRepository("b");
      md.ensureRepository("a");
      expect(md.getLifecyclePolicy("a")).toBeUndefined();
      expect(md.setLifecyclePolicy("b", '{"rules":[1]}')).toBe(true);
      expect(md.setLifecyclePolicy("a", '{"rules":[2]}')).toBe(true);
      expect(md.setLifecyclePolicy("a", '{"rules":[3]}')).toBe(true);
      expect(md.getLifecyclePolicy("a")).toBe('{"rules":[3]}');
      expect(md.repositoriesWithLifecyclePolicy()).toEqual(["a", "b"]);
      expect(md.setLifecyclePolicy("b", undefined)).toBe(true);
      expect(md.getLifecyclePolicy("b")).toBeUndefined();
      expect(md.repositoriesWithLifecyclePolicy()).toEqual(["a"]);
    });

    it("refuses a policy for an unknown repository", () => {
      expect(md.setLifecyclePolicy("missing", "{}")).toBe(false);
      expect(md.setLifecyclePolicy("missing", undefined)).toBe(false);
      expect(md.getRepository("missing")).toBeUndefined();
      expect(md.repositoriesWithLifecyclePolicy()).toEqual([]);
    });
  });
}
