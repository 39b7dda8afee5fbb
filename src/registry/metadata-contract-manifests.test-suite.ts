// The manifest cases of the RegistryMetadata contract (see `metadata-contract.test-suite.ts`):
// atomic pushes, tags, cascading deletes, image listings, referrers and what the garbage
// collector asks.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { digestOf, type Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";
import type { ContractContext } from "./metadata-contract.test-suite.js";
import { MissingReferencesError, type PutManifestRequest, type RegistryMetadata } from "./metadata.js";

const MINUTE = 60_000;
const d = (name: string): Digest => digestOf(name);

export function describeManifestContract(ctx: ContractContext): void {
  const { now, advance, record, pushImage, pushIndex } = ctx;
  let md: RegistryMetadata;
  beforeEach(() => {
    md = ctx.metadata;
  });

  function missingOf(request: PutManifestRequest): Digest[] {
    try {
      md.putManifest(request);
    } catch (err) {
      expect(err).toBeInstanceOf(MissingReferencesError);
      return (err as MissingReferencesError).missing;
    }
    throw new Error("putManifest accepted missing references");
  }

  describe("putManifest", () => {
    it("stores the record, links its bytes and tags it", () => {
      md.linkBlob("app", d("config"), 10);
      md.linkBlob("app", d("subject"), 7);
      const full = record("app", d("image"), {
        size: 321,
        artifactType: "application/vnd.example.sbom",
        subject: d("subject"),
        annotations: { "org.example": "yes" },
      });
      md.putManifest({ record: full, blobs: [d("config")], manifests: [], tag: "v1" });
      expect(md.getManifest("app", d("image"))).toEqual(full);
      expect(md.getManifest("other", d("image"))).toBeUndefined();
      expect(md.getBlobLink("app", d("image"))).toMatchObject({ size: 321 });
      expect(md.resolveTag("app", "v1")).toBe(d("image"));
    });

    it("creates the repository on first push", () => {
      md.putManifest({ record: record("fresh", d("m")), blobs: [], manifests: [] });
      expect(md.getRepository("fresh")).toBeDefined();
      expect(md.getManifest("fresh", d("m"))).toBeDefined();
    });

    it("lists every missing blob and child manifest and stores nothing", () => {
      md.linkBlob("app", d("config"), 10);
      md.linkBlob("other", d("layer"), 5); // linked elsewhere does not count
      const missing = missingOf({
        record: record("app", d("index")),
        blobs: [d("config"), d("layer"), d("absent")],
        manifests: [d("child")],
        tag: "v1",
      });
      expect([...missing].sort()).toEqual([d("layer"), d("absent"), d("child")].sort());
      expect(md.getManifest("app", d("index"))).toBeUndefined();
      expect(md.resolveTag("app", "v1")).toBeUndefined();
      expect(md.getBlobLink("app", d("index"))).toBeUndefined();
      expect(md.listTags("app")).toEqual([]);
      expect(md.listImages("app")).toEqual([]);
    });

    it("moves a tag to a newer manifest and keeps the old one untagged", () => {
      const first = pushImage("app", "first", { tag: "latest" });
      const second = pushImage("app", "second", { tag: "latest" });
      expect(md.resolveTag("app", "latest")).toBe(second);
      expect(md.getManifest("app", first)).toBeDefined();
      expect(md.listTags("app")).toEqual(["latest"]);
    });

    it("asks checkTagMove with the repository and the tag's current digest", () => {
      const check = vi.fn();
      md.linkBlob("app", d("config"), 10);
      const push = (name: string, tag?: string) =>
        md.putManifest({
          record: record("app", d(name)),
          blobs: [d("config")],
          manifests: [],
          ...(tag !== undefined && { tag }),
          checkTagMove: check,
        });
      push("first", "v1");
      push("second", "v1");
      push("untagged");
      expect(check).toHaveBeenCalledTimes(2);
      const repository = md.getRepository("app");
      expect(check).toHaveBeenNthCalledWith(1, repository, "v1", undefined);
      expect(check).toHaveBeenNthCalledWith(2, repository, "v1", d("first"));
    });

    it("leaves the tag and stores nothing when checkTagMove refuses", () => {
      const first = pushImage("app", "first", { tag: "v1" });
      md.linkBlob("app", d("config"), 10);
      const refusal = new Error("tag v1 is immutable");
      expect(() =>
        md.putManifest({
          record: record("app", d("second")),
          blobs: [d("config")],
          manifests: [],
          tag: "v1",
          checkTagMove: () => {
            throw refusal;
          },
        }),
      ).toThrow(refusal);
      expect(md.resolveTag("app", "v1")).toBe(first);
      expect(md.getManifest("app", d("second"))).toBeUndefined();
      expect(md.getBlobLink("app", d("second"))).toBeUndefined();
    });

    it("keeps the original push time when a manifest is pushed again", () => {
      const digest = pushImage("app", "image");
      const pushedAt = md.getManifest("app", digest)!.pushedAt;
      advance(MINUTE);
      pushImage("app", "image", { tag: "again" });
      expect(md.getManifest("app", digest)!.pushedAt).toEqual(pushedAt);
      expect(md.resolveTag("app", "again")).toBe(digest);
    });
  });

  describe("tags", () => {
    it("resolves tags per repository", () => {
      const digest = pushImage("app", "image", { tag: "v1" });
      expect(md.resolveTag("app", "v1")).toBe(digest);
      expect(md.resolveTag("app", "v2")).toBeUndefined();
      expect(md.resolveTag("other", "v1")).toBeUndefined();
    });

    it("lists tags in lexical order, a page at a time", () => {
      for (const tag of ["v2", "latest", "v10", "v1"]) pushImage("app", `image-${tag}`, { tag });
      pushImage("other", "image", { tag: "zzz" });
      expect(md.listTags("app")).toEqual(["latest", "v1", "v10", "v2"]);
      expect(md.listTags("app", { n: 2 })).toEqual(["latest", "v1"]);
      expect(md.listTags("app", { n: 2, last: "v1" })).toEqual(["v10", "v2"]);
      expect(md.listTags("app", { last: "v10" })).toEqual(["v2"]);
      expect(md.listTags("app", { n: 5, last: "v2" })).toEqual([]);
      expect(md.listTags("missing")).toEqual([]);
    });

    it("deleteTag removes the tag and keeps the manifest", () => {
      const digest = pushImage("app", "image", { tag: "v1" });
      expect(md.deleteTag("app", "v1")).toBe(true);
      expect(md.deleteTag("app", "v1")).toBe(false);
      expect(md.resolveTag("app", "v1")).toBeUndefined();
      expect(md.getManifest("app", digest)).toBeDefined();
    });
  });

  describe("deleteManifest", () => {
    it("deletes the manifest with every tag pointing at it", () => {
      const digest = pushImage("app", "image", { tag: "v1" });
      md.putManifest({ record: record("app", digest), blobs: [], manifests: [], tag: "latest" });
      const other = pushImage("app", "other", { tag: "v2" });
      expect(md.deleteManifest("app", digest)).toEqual([digest]);
      expect(md.getManifest("app", digest)).toBeUndefined();
      expect(md.listTags("app")).toEqual(["v2"]);
      expect(md.getManifest("app", other)).toBeDefined();
      expect(md.deleteManifest("app", digest)).toEqual([]);
      expect(md.deleteManifest("elsewhere", other)).toEqual([]);
    });

    it("deletes an index's children that nothing else keeps", () => {
      const amd64 = pushImage("app", "amd64");
      const arm64 = pushImage("app", "arm64");
      const tagged = pushImage("app", "tagged", { tag: "arm-only" });
      const shared = pushImage("app", "shared");
      const index = pushIndex("app", "index", [amd64, arm64, tagged, shared], "v1");
      pushIndex("app", "other-index", [shared]);

      expect([...md.deleteManifest("app", index)].sort()).toEqual([index, amd64, arm64].sort());
      expect(md.getManifest("app", amd64)).toBeUndefined();
      expect(md.getManifest("app", arm64)).toBeUndefined();
      expect(md.getManifest("app", tagged)).toBeDefined();
      expect(md.resolveTag("app", "arm-only")).toBe(tagged);
      expect(md.getManifest("app", shared)).toBeDefined();
      expect(md.listTags("app")).toEqual(["arm-only"]);
    });

    it("deletes nested indexes down to their leaves", () => {
      const leaf = pushImage("app", "leaf");
      const inner = pushIndex("app", "inner", [leaf]);
      const outer = pushIndex("app", "outer", [inner]);
      expect([...md.deleteManifest("app", outer)].sort()).toEqual([outer, inner, leaf].sort());
      expect(md.listImages("app")).toEqual([]);
    });
  });

  describe("listImages", () => {
    it("reports tags, children and total sizes, newest first", () => {
      const a = pushImage("app", "a", { blobs: { config: 10, base: 1000, "a-top": 100 }, size: 200 });
      advance(MINUTE);
      const b = pushImage("app", "b", { blobs: { config: 10, base: 1000, "b-top": 300 }, size: 200 });
      advance(MINUTE);
      const index = pushIndex("app", "index", [a, b], "v1");
      md.putManifest({ record: record("app", index), blobs: [], manifests: [a, b], tag: "latest" });
      advance(MINUTE);
      const single = pushImage("app", "single", { blobs: { config: 10, base: 1000 }, size: 200, tag: "s" });

      const images = md.listImages("app");
      expect(images.map((i) => i.digest)).toEqual([single, index, b, a]);
      const byDigest = new Map(images.map((i) => [i.digest, i]));
      expect(byDigest.get(single)).toMatchObject({
        tags: ["s"],
        isChild: false,
        totalSize: 200 + 10 + 1000,
      });
      expect(byDigest.get(a)).toMatchObject({ tags: [], isChild: true, totalSize: 200 + 10 + 1000 + 100 });
      expect(byDigest.get(b)).toMatchObject({ tags: [], isChild: true, totalSize: 200 + 10 + 1000 + 300 });
      // The index counts itself, both children, and the shared config and base layer once.
      expect(byDigest.get(index)).toMatchObject({
        tags: ["latest", "v1"],
        isChild: false,
        mediaType: MediaType.ociIndex,
        totalSize: 50 + 200 + 200 + 10 + 1000 + 100 + 300,
      });
      expect(md.listImages("other")).toEqual([]);
    });
  });

  describe("referrers", () => {
    it("lists the manifests whose subject is the given digest in this repository", () => {
      const subject = pushImage("app", "image");
      md.linkBlob("app", d("sig-config"), 2);
      const signature = record("app", d("signature"), {
        artifactType: "application/vnd.example.signature",
        subject,
      });
      md.putManifest({ record: signature, blobs: [d("sig-config")], manifests: [] });
      advance(MINUTE);
      const sbom = record("app", d("sbom"), { artifactType: "application/spdx+json", subject });
      md.putManifest({ record: sbom, blobs: [], manifests: [] });
      md.putManifest({ record: record("other", d("elsewhere"), { subject }), blobs: [], manifests: [] });

      expect(md.referrers("app", subject)).toEqual([signature, sbom]);
      expect(md.referrers("app", d("signature"))).toEqual([]);
      expect(md.referrers("other", subject).map((r) => r.digest)).toEqual([d("elsewhere")]);
    });
  });

  describe("garbage collection queries", () => {
    it("reports blobs that nothing references once their links are older than the cutoff", () => {
      md.linkBlob("app", d("orphan"), 1);
      const image = pushImage("app", "image", { blobs: { config: 10 } });
      const cutoff = () => new Date(now() + 1);
      expect(md.unreferencedBlobs(new Date(now() - 1))).toEqual([]);
      expect(md.unreferencedBlobs(cutoff())).toEqual([d("orphan")]);

      md.deleteManifest("app", image);
      expect([...md.unreferencedBlobs(cutoff())].sort()).toEqual([d("orphan"), d("config"), image].sort());
    });

    it("spares a blob that any repository linked after the cutoff", () => {
      md.linkBlob("a", d("blob"), 1);
      advance(10 * MINUTE);
      md.linkBlob("b", d("blob"), 1);
      const cutoff = new Date(now() - MINUTE);
      expect(md.unreferencedBlobs(cutoff)).toEqual([]);
      expect(md.forgetBlobIfUnreferenced(d("blob"), cutoff)).toBe(false);
      expect(md.getBlobLink("a", d("blob"))).toBeDefined();
      advance(10 * MINUTE);
      expect(md.unreferencedBlobs(new Date(now()))).toEqual([d("blob")]);
    });

    it("spares a blob that a manifest in another repository references", () => {
      md.linkBlob("a", d("shared"), 1);
      pushImage("b", "image", { blobs: { shared: 1 } });
      md.unlinkBlob("b", d("shared"));
      advance(MINUTE);
      const cutoff = new Date(now());
      expect(md.unreferencedBlobs(cutoff)).toEqual([]);
      expect(md.forgetBlobIfUnreferenced(d("shared"), cutoff)).toBe(false);
      expect(md.isBlobKnown(d("shared"))).toBe(true);
    });

    it("forgets an old unreferenced blob in every repository", () => {
      md.linkBlob("a", d("blob"), 1);
      md.linkBlob("b", d("blob"), 1);
      advance(MINUTE);
      expect(md.forgetBlobIfUnreferenced(d("blob"), new Date(now()))).toBe(true);
      expect(md.getBlobLink("a", d("blob"))).toBeUndefined();
      expect(md.getBlobLink("b", d("blob"))).toBeUndefined();
      expect(md.findBlob(d("blob"))).toBeUndefined();
      expect(md.isBlobKnown(d("blob"))).toBe(false);
      expect(md.unreferencedBlobs(new Date(now()))).toEqual([]);
    });

    it("does not forget a blob a manifest references, nor a manifest's own bytes", () => {
      const image = pushImage("app", "image", { blobs: { config: 10 } });
      advance(MINUTE);
      expect(md.forgetBlobIfUnreferenced(d("config"), new Date(now()))).toBe(false);
      expect(md.forgetBlobIfUnreferenced(image, new Date(now()))).toBe(false);
      expect(md.getBlobLink("app", d("config"))).toBeDefined();
      expect(md.getBlobLink("app", image)).toBeDefined();
    });

    it("isBlobKnown sees links and manifest references", () => {
      expect(md.isBlobKnown(d("blob"))).toBe(false);
      md.linkBlob("app", d("blob"), 1);
      expect(md.isBlobKnown(d("blob"))).toBe(true);
      pushImage("app", "image", { blobs: { config: 10 } });
      md.unlinkBlob("app", d("config"));
      expect(md.isBlobKnown(d("config"))).toBe(true);
      expect(md.isBlobKnown(d("image"))).toBe(true);
    });
  });
}
