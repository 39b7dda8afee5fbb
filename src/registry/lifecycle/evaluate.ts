// Which images a lifecycle policy expires, decided as ECR decides it. Pure: the caller
// deletes what is returned (and garbage collection reclaims the blobs later).
import type { Digest } from "../../oci/digest.js";
import type { ImageRecord } from "../metadata.js";
import { wildcardMatch } from "../tag-mutability.js";
import {
  CountType,
  TagStatus,
  type CountSelection,
  type LifecyclePolicy,
  type TagSelection,
} from "./policy.js";

export interface LifecycleDecision {
  digest: Digest;
  tags: string[];
  pushedAt: Date;
  /** The rule that claimed and expired the image. */
  rulePriority: number;
  action: "expire";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The images `policy` expires at `now`: by rule priority, and within a rule oldest first.
 *
 * Rules apply in ascending priority; the first whose tag selection matches an image claims
 * it, and later rules never see it, even when the claiming rule keeps it. Only top-level
 * images are candidates: children of an index and referrers (images with a subject) go
 * with the manifest they belong to, so they neither expire nor take a place in a count.
 */
export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: ImageRecord[],
  now: Date,
): LifecycleDecision[] {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  let unclaimed = images.filter((image) => !image.isChild && image.subject === undefined);
  const decisions: LifecycleDecision[] = [];
  for (const rule of rules) {
    const claimed: ImageRecord[] = [];
    const rest: ImageRecord[] = [];
    for (const image of unclaimed) (selects(rule.selection, image.tags) ? claimed : rest).push(image);
    unclaimed = rest;
    for (const image of expired(rule.selection, claimed, now).sort(oldestFirst)) {
      decisions.push({
        digest: image.digest,
        tags: [...image.tags],
        pushedAt: image.pushedAt,
        rulePriority: rule.rulePriority,
        action: "expire",
      });
    }
  }
  return decisions;
}

function selects(selection: TagSelection, tags: readonly string[]): boolean {
  switch (selection.tagStatus) {
    case TagStatus.ANY:
      return true;
    case TagStatus.UNTAGGED:
      return tags.length === 0;
    case TagStatus.TAGGED:
      // ECR's AND: every prefix (pattern) must match at least one of the image's tags.
      if ("tagPrefixList" in selection) {
        return selection.tagPrefixList.every((prefix) => tags.some((tag) => tag.startsWith(prefix)));
      }
      return selection.tagPatternList.every((pattern) => tags.some((tag) => wildcardMatch(pattern, tag)));
  }
}

function expired(selection: CountSelection, claimed: ImageRecord[], now: Date): ImageRecord[] {
  switch (selection.countType) {
    case CountType.IMAGE_COUNT_MORE_THAN:
      return [...claimed].sort(newestFirst).slice(selection.countNumber);
    case CountType.SINCE_IMAGE_PUSHED: {
      const cutoff = now.getTime() - selection.countNumber * DAY_MS;
      return claimed.filter((image) => image.pushedAt.getTime() < cutoff);
    }
  }
}

// Ties on push time fall back to the digest, so images pushed in the same instant are kept
// and reported the same way on every run.
function newestFirst(a: ImageRecord, b: ImageRecord): number {
  return b.pushedAt.getTime() - a.pushedAt.getTime() || byDigest(a, b);
}

function oldestFirst(a: ImageRecord, b: ImageRecord): number {
  return a.pushedAt.getTime() - b.pushedAt.getTime() || byDigest(a, b);
}

function byDigest(a: ImageRecord, b: ImageRecord): number {
  return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}
