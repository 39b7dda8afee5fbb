// Amazon ECR lifecycle policy documents, held to ECR's documented rules so a policy written
// for ECR means the same here, and a typo fails loudly instead of silently selecting nothing. The parsed policy keeps ECR's JSON shape: it is stored as
// `JSON.stringify(policy)` and parsed again on read.

export const TagStatus = { TAGGED: "tagged", UNTAGGED: "untagged", ANY: "any" } as const;
export type TagStatus = (typeof TagStatus)[keyof typeof TagStatus];

export const CountType = {
  IMAGE_COUNT_MORE_THAN: "imageCountMoreThan",
  SINCE_IMAGE_PUSHED: "sinceImagePushed",
} as const;
export type CountType = (typeof CountType)[keyof typeof CountType];

/** Which images a rule claims. Several prefixes or patterns must each match one of the tags. */
export type TagSelection =
  | { tagStatus: typeof TagStatus.UNTAGGED | typeof TagStatus.ANY }
  | { tagStatus: typeof TagStatus.TAGGED; tagPrefixList: string[] }
  | { tagStatus: typeof TagStatus.TAGGED; tagPatternList: string[] };

/** Which of the claimed images expire: all but the newest `countNumber`, or those older than it in days. */
export type CountSelection =
  | { countType: typeof CountType.IMAGE_COUNT_MORE_THAN; countNumber: number }
  | { countType: typeof CountType.SINCE_IMAGE_PUSHED; countUnit: "days"; countNumber: number };

export type LifecycleSelection = TagSelection & CountSelection;

export interface LifecycleRule {
  /** Unique; rules apply in ascending order and the first whose selection matches claims the image. */
  rulePriority: number;
  description?: string;
  selection: LifecycleSelection;
  action: { type: "expire" };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

export class InvalidLifecyclePolicyError extends Error {
  /**
   * `field` is the path inside the rule (or the document, when `rule` is absent); `rule` names
   * the offending rule by its position and, once known, its priority.
   */
  constructor(
    readonly field: string,
    reason: string,
    readonly rule?: { index: number; priority?: number },
  ) {
    const where =
      rule === undefined
        ? ""
        : rule.priority === undefined
          ? `rules[${rule.index}]: `
          : `rule ${rule.priority} (rules[${rule.index}]): `;
    super(`${where}${field === "" ? "" : `${field} `}${reason}`);
  }
}

type Fail = (field: string, reason: string) => InvalidLifecyclePolicyError;

const RULE_FIELDS = ["rulePriority", "description", "selection", "action"];
const SELECTION_FIELDS = "tagStatus tagPrefixList tagPatternList countType countUnit countNumber".split(" ");
// Tag grammar (OCI distribution): a prefix is the start of a tag, a pattern a tag with `*`s.
const PREFIX = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const PATTERN = /^[a-zA-Z0-9_*][a-zA-Z0-9._*-]{0,127}$/;
const MAX_WILDCARDS = 4;

/** Validates an ECR lifecycle policy document (already JSON-parsed); throws `InvalidLifecyclePolicyError`. */
export function parseLifecyclePolicy(json: unknown): LifecyclePolicy {
  const top = fields(json, "", ["rules"], (field, reason) => {
    return new InvalidLifecyclePolicyError(field === "" ? "policy" : field, reason);
  });
  if (!Array.isArray(top.rules) || top.rules.length === 0) {
    throw new InvalidLifecyclePolicyError("rules", "must be a non-empty list of rules");
  }
  const rules = top.rules.map((value: unknown, index) => parseRule(value, index));

  const seen = new Map<number, number>();
  rules.forEach((rule, index) => {
    const other = seen.get(rule.rulePriority);
    if (other !== undefined) {
      throw new InvalidLifecyclePolicyError("rulePriority", `is already used by rules[${other}]`, {
        index,
        priority: rule.rulePriority,
      });
    }
    seen.set(rule.rulePriority, index);
  });

  // ECR evaluates an `any` rule last, so it must say so with the highest priority.
  const highest = rules.reduce((max, rule) => Math.max(max, rule.rulePriority), 0);
  const index = rules.findIndex((r) => r.selection.tagStatus === TagStatus.ANY && r.rulePriority !== highest);
  if (index >= 0) {
    throw new InvalidLifecyclePolicyError(
      "selection.tagStatus",
      `"any" needs the highest rulePriority (${highest} is higher): it is evaluated last`,
      { index, priority: rules[index]?.rulePriority },
    );
  }
  return { rules };
}

function parseRule(value: unknown, index: number): LifecycleRule {
  const rule: { index: number; priority?: number } = { index };
  const fail: Fail = (field, reason) => new InvalidLifecyclePolicyError(field, reason, rule);
  // Read the priority first, so that every later error names the rule the way its author does.
  if (typeof value === "object" && value !== null && "rulePriority" in value) {
    if (isPositiveInteger(value.rulePriority)) rule.priority = value.rulePriority;
  }
  const raw = fields(value, "", RULE_FIELDS, fail);
  if (!isPositiveInteger(raw.rulePriority)) throw fail("rulePriority", "must be a positive integer");
  if (raw.description !== undefined && typeof raw.description !== "string") {
    throw fail("description", "must be a string");
  }
  const selection = parseSelection(raw.selection, fail);
  const action = fields(raw.action, "action", ["type"], fail);
  if (action.type !== "expire") throw fail("action.type", `must be "expire"`);
  return {
    rulePriority: raw.rulePriority,
    ...(raw.description !== undefined && { description: raw.description }),
    selection,
    action: { type: "expire" },
  };
}

function parseSelection(value: unknown, fail: Fail): LifecycleSelection {
  const raw = fields(value, "selection", SELECTION_FIELDS, fail);
  return { ...parseTags(raw, fail), ...parseCount(raw, fail) };
}

function parseTags(raw: Record<string, unknown>, fail: Fail): TagSelection {
  const { tagStatus, tagPrefixList, tagPatternList } = raw;
  if (tagStatus === TagStatus.TAGGED) {
    if ((tagPrefixList === undefined) === (tagPatternList === undefined)) {
      throw fail("selection", `with tagStatus "tagged" needs one of tagPrefixList and tagPatternList`);
    }
    return tagPrefixList !== undefined
      ? { tagStatus, tagPrefixList: tagList(tagPrefixList, "selection.tagPrefixList", PREFIX, fail) }
      : { tagStatus, tagPatternList: tagList(tagPatternList, "selection.tagPatternList", PATTERN, fail) };
  }
  if (tagStatus !== TagStatus.UNTAGGED && tagStatus !== TagStatus.ANY) {
    throw fail("selection.tagStatus", `must be one of ${Object.values(TagStatus).join(", ")}`);
  }
  const list =
    tagPrefixList !== undefined ? "tagPrefixList" : tagPatternList !== undefined ? "tagPatternList" : "";
  if (list !== "") throw fail(`selection.${list}`, `is only allowed with tagStatus "tagged"`);
  return { tagStatus };
}

function parseCount(raw: Record<string, unknown>, fail: Fail): CountSelection {
  const { countType, countUnit, countNumber } = raw;
  if (countType !== CountType.IMAGE_COUNT_MORE_THAN && countType !== CountType.SINCE_IMAGE_PUSHED) {
    throw fail("selection.countType", `must be one of ${Object.values(CountType).join(", ")}`);
  }
  if (!isPositiveInteger(countNumber)) throw fail("selection.countNumber", "must be an integer ≥ 1");
  if (countType === CountType.IMAGE_COUNT_MORE_THAN) {
    if (countUnit !== undefined) {
      throw fail("selection.countUnit", `is only allowed with countType "${CountType.SINCE_IMAGE_PUSHED}"`);
    }
    return { countType, countNumber };
  }
  if (countUnit !== "days") throw fail("selection.countUnit", `must be "days" with countType "${countType}"`);
  return { countType, countUnit, countNumber };
}

function tagList(value: unknown, field: string, grammar: RegExp, fail: Fail): string[] {
  if (!Array.isArray(value) || value.length === 0) throw fail(field, "must be a non-empty list of strings");
  return value.map((item: unknown, i) => {
    if (typeof item !== "string" || !grammar.test(item)) {
      throw fail(`${field}[${i}]`, `${JSON.stringify(item)} is not made of tag characters`);
    }
    if (item.split("*").length - 1 > MAX_WILDCARDS) {
      throw fail(`${field}[${i}]`, `${JSON.stringify(item)} has more than ${MAX_WILDCARDS} wildcards`);
    }
    return item;
  });
}

/** An object with only `allowed` keys; unknown keys are errors because ECR rejects them too. */
function fields(
  value: unknown,
  field: string,
  allowed: readonly string[],
  fail: Fail,
): Record<string, unknown> {
  if (value === undefined) throw fail(field, "is required");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail(field, "must be an object");
  }
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw fail(field === "" ? extra : `${field}.${extra}`, "is not a known field");
  return value as Record<string, unknown>;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}
