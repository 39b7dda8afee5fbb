// Tag mutability as ECR defines it: tags may move (MUTABLE) or not (IMMUTABLE), each with
// optional wildcard exclusions (`latest`, `dev-*`) that follow the opposite rule.

export const TagMutability = {
  MUTABLE: "MUTABLE",
  IMMUTABLE: "IMMUTABLE",
  IMMUTABLE_WITH_EXCLUSION: "IMMUTABLE_WITH_EXCLUSION",
  MUTABLE_WITH_EXCLUSION: "MUTABLE_WITH_EXCLUSION",
} as const;
export type TagMutability = (typeof TagMutability)[keyof typeof TagMutability];

export interface TagMutabilitySettings {
  tagMutability: TagMutability;
  /** Wildcard patterns (`*` matches any run of characters) of tags excepted from the rule. */
  mutabilityExclusions: string[];
}

export const DEFAULT_TAG_MUTABILITY: TagMutabilitySettings = {
  tagMutability: TagMutability.MUTABLE,
  mutabilityExclusions: [],
};

const PATTERN = /^[a-zA-Z0-9_.*-]{1,128}$/;

export function validateTagMutability(settings: TagMutabilitySettings): string | undefined {
  if (!Object.values(TagMutability).includes(settings.tagMutability)) {
    return `tag mutability must be one of ${Object.values(TagMutability).join(", ")}`;
  }
  const withExclusion = settings.tagMutability.endsWith("_WITH_EXCLUSION");
  if (withExclusion && settings.mutabilityExclusions.length === 0) {
    return `${settings.tagMutability} needs at least one exclusion pattern`;
  }
  if (!withExclusion && settings.mutabilityExclusions.length > 0) {
    return `exclusion patterns need IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION`;
  }
  const bad = settings.mutabilityExclusions.find((p) => !PATTERN.test(p));
  if (bad !== undefined) return `invalid exclusion pattern ${JSON.stringify(bad)}`;
  return undefined;
}

export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${source}$`).test(value);
}

/** Whether `tag` may be moved to another manifest under these settings. */
export function isTagMutable(settings: TagMutabilitySettings, tag: string): boolean {
  const excluded = settings.mutabilityExclusions.some((p) => wildcardMatch(p, tag));
  switch (settings.tagMutability) {
    case TagMutability.MUTABLE:
      return true;
    case TagMutability.IMMUTABLE:
      return false;
    case TagMutability.IMMUTABLE_WITH_EXCLUSION:
      return excluded;
    case TagMutability.MUTABLE_WITH_EXCLUSION:
      return !excluded;
  }
}
