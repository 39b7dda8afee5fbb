import { describe, expect, it } from "vitest";
import { InvalidLifecyclePolicyError, parseLifecyclePolicy } from "./policy.js";

const EXAMPLE = {
  rules: [
    {
      rulePriority: 1,
      description: "keep 10 prod",
      selection: {
        tagStatus: "tagged",
        tagPrefixList: ["prod"],
        countType: "imageCountMoreThan",
        countNumber: 10,
      },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      action: { type: "expire" },
    },
  ],
};

/** A valid rule with `selection` fields replaced (undefined removes one). */
function rule(
  priority: number,
  selection: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    rulePriority: priority,
    selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1, ...selection },
    action: { type: "expire" },
    ...extra,
  };
}

function error(json: unknown): InvalidLifecyclePolicyError {
  try {
    parseLifecyclePolicy(json);
  } catch (err) {
    if (err instanceof InvalidLifecyclePolicyError) return err;
    throw err;
  }
  throw new Error("policy was accepted");
}

describe("parseLifecyclePolicy", () => {
  it("accepts ECR's example and keeps its shape, so it survives being stored as JSON", () => {
    const policy = parseLifecyclePolicy(EXAMPLE);
    expect(policy).toEqual(EXAMPLE);
    expect(parseLifecyclePolicy(JSON.parse(JSON.stringify(policy)))).toEqual(policy);
  });

  it("accepts pattern lists, non-sequential priorities and a last `any` rule", () => {
    const json = {
      rules: [
        rule(5, { tagStatus: "any", countNumber: 3 }),
        rule(2, { tagStatus: "tagged", tagPatternList: ["*test*1*2*3", "v*"] }),
      ],
    };
    expect(parseLifecyclePolicy(json)).toEqual(json);
  });

  it.each([
    ["a non-object", [], /^policy must be an object/],
    ["no rules", {}, /^rules must be a non-empty list/],
    ["an empty rule list", { rules: [] }, /^rules must be a non-empty list/],
    ["an unknown top-level field", { rules: [rule(1)], version: 1 }, /^version is not a known field/],
    ["a zero priority", { rules: [rule(0)] }, /^rules\[0\]: rulePriority must be a positive integer/],
    ["a fractional priority", { rules: [rule(1.5)] }, /rulePriority must be a positive integer/],
    ["a string priority", { rules: [rule("1" as unknown as number)] }, /rulePriority must be a positive/],
    [
      "duplicate priorities",
      { rules: [rule(1), rule(1)] },
      /^rule 1 \(rules\[1\]\): rulePriority is already used/,
    ],
    [
      "a non-string description",
      { rules: [rule(1, {}, { description: 7 })] },
      /description must be a string/,
    ],
    [
      "an unknown rule field",
      { rules: [rule(1, {}, { on: true })] },
      /^rule 1 \(rules\[0\]\): on is not a known/,
    ],
    [
      "a missing selection",
      { rules: [{ rulePriority: 1, action: { type: "expire" } }] },
      /selection is required/,
    ],
    [
      "a bad action",
      { rules: [rule(1, {}, { action: { type: "delete" } })] },
      /action\.type must be "expire"/,
    ],
    ["a missing action", { rules: [rule(1, {}, { action: undefined })] }, /action is required/],
    [
      "an unknown action field",
      { rules: [rule(1, {}, { action: { type: "expire", x: 1 } })] },
      /action\.x is not a/,
    ],
    [
      "an `any` rule not last",
      { rules: [rule(1, { tagStatus: "any" }), rule(2)] },
      /^rule 1 .*"any" needs the highest/,
    ],
    [
      "two `any` rules",
      { rules: [rule(2, { tagStatus: "any" }), rule(1, { tagStatus: "any" })] },
      /^rule 1 .*"any"/,
    ],
  ])("rejects %s", (_name, json, message) => {
    expect(error(json).message).toMatch(message);
  });

  const tagged = { tagStatus: "tagged" };
  it.each([
    ["an unknown field", { tagPrefix: "x" }, /selection\.tagPrefix is not a known field/],
    ["a bad tagStatus", { tagStatus: "TAGGED" }, /tagStatus must be one of tagged, untagged, any/],
    [
      "tagged without a list",
      tagged,
      /with tagStatus "tagged" needs one of tagPrefixList and tagPatternList/,
    ],
    ["tagged with both lists", { ...tagged, tagPrefixList: ["a"], tagPatternList: ["a*"] }, /needs one of/],
    ["an empty prefix list", { ...tagged, tagPrefixList: [] }, /tagPrefixList must be a non-empty list/],
    [
      "a prefix of non-tag characters",
      { ...tagged, tagPrefixList: ["prod/"] },
      /tagPrefixList\[0\] "prod\/" is not/,
    ],
    ["a wildcard in a prefix", { ...tagged, tagPrefixList: ["prod*"] }, /tagPrefixList\[0\] "prod\*" is not/],
    [
      "five wildcards",
      { ...tagged, tagPatternList: ["v*", "t*1*2*3*4*"] },
      /tagPatternList\[1\] .* more than 4 wildcards/,
    ],
    [
      "a prefix list with untagged",
      { tagPrefixList: ["prod"] },
      /tagPrefixList is only allowed with tagStatus "tagged"/,
    ],
    [
      "a pattern list with any",
      { tagStatus: "any", tagPatternList: ["*"] },
      /tagPatternList is only allowed with/,
    ],
    [
      "a bad countType",
      { countType: "sinceImagePulled" },
      /countType must be one of imageCountMoreThan, sinceImagePushed/,
    ],
    ["a zero countNumber", { countNumber: 0 }, /selection\.countNumber must be an integer ≥ 1/],
    ["a missing countNumber", { countNumber: undefined }, /selection\.countNumber must be/],
    [
      "countUnit with imageCountMoreThan",
      { countUnit: "days" },
      /countUnit is only allowed with countType "sinceImagePushed"/,
    ],
    [
      "sinceImagePushed without countUnit",
      { countType: "sinceImagePushed" },
      /selection\.countUnit must be "days"/,
    ],
    [
      "sinceImagePushed in hours",
      { countType: "sinceImagePushed", countUnit: "hours" },
      /countUnit must be "days"/,
    ],
  ])("rejects a selection with %s", (_name, selection, message) => {
    const err = error({ rules: [rule(1, selection)] });
    expect(err.message).toMatch(/^rule 1 \(rules\[0\]\): selection/);
    expect(err.message).toMatch(message);
  });

  it("names the offending rule and field on the error", () => {
    const err = error({ rules: [rule(1), rule(7, { countUnit: "days" })] });
    expect(err.rule).toEqual({ index: 1, priority: 7 });
    expect(err.field).toBe("selection.countUnit");
  });
});
