import { describe, expect, it } from "vitest";
import { parseDigest, type Digest } from "../../oci/digest.js";
import type { ImageRecord } from "../metadata.js";
import { evaluateLifecyclePolicy, type LifecycleDecision } from "./evaluate.js";
import { parseLifecyclePolicy } from "./policy.js";

const NOW = new Date("2025-06-01T00:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;

const digest = (id: number): Digest => parseDigest(`sha256:${id.toString(16).padStart(64, "0")}`);

/** Image `id`, pushed `ageDays` before NOW. */
function image(
  id: number,
  ageDays: number,
  tags: string[] = [],
  extra: Partial<ImageRecord> = {},
): ImageRecord {
  return {
    repository: "app",
    digest: digest(id),
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: 500,
    pushedAt: new Date(NOW.getTime() - ageDays * DAY_MS),
    tags,
    isChild: false,
    totalSize: 1000,
    ...extra,
  };
}

/** Builds a policy from rules given as [priority, selection] (validated, so tests use real policies). */
function policy(...rules: [number, Record<string, unknown>][]) {
  return parseLifecyclePolicy({
    rules: rules.map(([rulePriority, selection]) => ({
      rulePriority,
      selection,
      action: { type: "expire" },
    })),
  });
}

const keep = (tagStatus: string, countNumber: number, tags: Record<string, unknown> = {}) => ({
  tagStatus,
  ...tags,
  countType: "imageCountMoreThan",
  countNumber,
});
const olderThan = (tagStatus: string, days: number, tags: Record<string, unknown> = {}) => ({
  tagStatus,
  ...tags,
  countType: "sinceImagePushed",
  countUnit: "days",
  countNumber: days,
});

/** The image ids of decisions, in their order. */
const ids = (decisions: LifecycleDecision[]) => decisions.map((d) => parseInt(d.digest.slice(7), 16));

describe("evaluateLifecyclePolicy", () => {
  it("keeps the newest N of a count rule and expires the rest, oldest first", () => {
    const images = [image(1, 5), image(2, 1), image(3, 9), image(4, 3), image(5, 7)];
    const decisions = evaluateLifecyclePolicy(policy([1, keep("any", 2)]), images, NOW);
    expect(ids(decisions)).toEqual([3, 5, 1]);
    expect(decisions[0]).toEqual({
      digest: digest(3),
      tags: [],
      pushedAt: images[2]?.pushedAt,
      rulePriority: 1,
      action: "expire",
    });
  });

  it("breaks push-time ties by digest, so the same images are kept every run", () => {
    const images = [image(3, 1), image(1, 1), image(2, 1)];
    expect(ids(evaluateLifecyclePolicy(policy([1, keep("any", 1)]), images, NOW))).toEqual([2, 3]);
    expect(ids(evaluateLifecyclePolicy(policy([1, keep("any", 1)]), [...images].reverse(), NOW))).toEqual([
      2, 3,
    ]);
  });

  it("expires images pushed more than N days ago, not those exactly N days old", () => {
    const images = [image(1, 14), image(2, 14.001), image(3, 13), image(4, 30)];
    expect(ids(evaluateLifecyclePolicy(policy([1, olderThan("untagged", 14)]), images, NOW))).toEqual([4, 2]);
  });

  it("selects by tag status", () => {
    const images = [image(1, 10), image(2, 10, ["v1"]), image(3, 10)];
    expect(ids(evaluateLifecyclePolicy(policy([1, olderThan("untagged", 1)]), images, NOW))).toEqual([1, 3]);
    expect(ids(evaluateLifecyclePolicy(policy([1, olderThan("any", 1)]), images, NOW))).toEqual([1, 2, 3]);
  });

  it("lets the first matching rule claim an image, even when that rule keeps it", () => {
    const images = [
      image(1, 30, ["prod-1"]),
      image(2, 20, ["prod-2"]),
      image(3, 10, ["prod-3"]),
      image(4, 40),
    ];
    const decisions = evaluateLifecyclePolicy(
      policy([1, keep("tagged", 2, { tagPrefixList: ["prod"] })], [2, olderThan("any", 1)]),
      images,
      NOW,
    );
    // Rule 1 keeps prod-2 and prod-3; the `any` rule never sees them, however old.
    expect(decisions.map((d) => [d.rulePriority, ids([d])[0]])).toEqual([
      [1, 1],
      [2, 4],
    ]);
  });

  it("applies rules in priority order, not document order", () => {
    const images = [image(1, 30, ["prod-1"]), image(2, 20, ["prod-2"])];
    const decisions = evaluateLifecyclePolicy(
      policy([9, olderThan("any", 1)], [3, keep("tagged", 5, { tagPrefixList: ["prod"] })]),
      images,
      NOW,
    );
    expect(decisions).toEqual([]);
  });

  it("needs every prefix of a list to match some tag of the image", () => {
    const images = [
      image(1, 10, ["prod-1", "v1"]),
      image(2, 10, ["prod-2"]),
      image(3, 10, ["v3"]),
      image(4, 10, ["prodv4"]),
      image(5, 10),
    ];
    const rule = olderThan("tagged", 1, { tagPrefixList: ["prod", "v"] });
    expect(ids(evaluateLifecyclePolicy(policy([1, rule]), images, NOW))).toEqual([1]);
  });

  it("matches wildcard patterns against whole tags, every pattern against some tag", () => {
    const images = [
      image(1, 10, ["prod"]),
      image(2, 10, ["prod1"]),
      image(3, 10, ["preprod"]),
      image(4, 10, ["release-1.2-rc1"]),
      image(5, 10, ["release-1.2", "rc"]),
    ];
    const expire = (patterns: string[]) =>
      ids(
        evaluateLifecyclePolicy(
          policy([1, olderThan("tagged", 1, { tagPatternList: patterns })]),
          images,
          NOW,
        ),
      );
    expect(expire(["prod*"])).toEqual([1, 2]);
    expect(expire(["*prod"])).toEqual([1, 3]);
    expect(expire(["release-*-rc*"])).toEqual([4]);
    expect(expire(["release-*", "rc"])).toEqual([5]);
  });

  it("never expires or counts children of an index or referrers", () => {
    const index = image(1, 50, ["v1"]);
    const images = [
      index,
      image(2, 1, [], { isChild: true }),
      image(3, 1, [], { subject: index.digest }),
      image(4, 60, ["sig"], { subject: index.digest }),
      image(5, 70),
    ];
    // Were the newer child and referrer counted, the index would lose its place.
    expect(ids(evaluateLifecyclePolicy(policy([1, keep("any", 1)]), images, NOW))).toEqual([5]);
    expect(ids(evaluateLifecyclePolicy(policy([1, olderThan("any", 1)]), images, NOW))).toEqual([5, 1]);
  });

  it("returns nothing when no image matches", () => {
    expect(evaluateLifecyclePolicy(policy([1, keep("untagged", 1)]), [image(1, 5, ["a"])], NOW)).toEqual([]);
    expect(evaluateLifecyclePolicy(policy([1, keep("any", 1)]), [], NOW)).toEqual([]);
  });
});
