import { describe, expect, it } from "vitest";
import { bootstrapRbac } from "./bootstrap.js";
import { RbacAuthorizer } from "./rbac.js";
import { binding, memorySource } from "./rbac.test-util.js";
import { reviewRules } from "./rules-review.js";

const authz = new RbacAuthorizer(
  memorySource([
    ...bootstrapRbac(),
    binding("v", { kind: "ClusterRole", name: "view" }, [{ kind: "User", name: "bob" }], "team"),
    binding("x", { kind: "Role", name: "missing" }, [{ kind: "User", name: "bob" }], "team"),
  ]),
);
const bob = { name: "bob", groups: ["system:authenticated"] };
const review = (namespace?: string) => ({
  apiVersion: "authorization.k8s.io/v1",
  kind: "SelfSubjectRulesReview",
  metadata: {},
  spec: namespace === undefined ? {} : { namespace },
});

describe("reviewRules", () => {
  it("lists resource and URL rules of the requester in the namespace, flagging lookup errors", async () => {
    const out = (await reviewRules(authz, review("team"), bob)).status as {
      resourceRules: { verbs: string[]; resources?: string[] }[];
      nonResourceRules: { nonResourceURLs: string[] }[];
      incomplete: boolean;
      evaluationError?: string;
    };
    expect(out.resourceRules.some((r) => r.resources?.includes("selfsubjectaccessreviews"))).toBe(true);
    expect(out.resourceRules.some((r) => r.resources?.includes("pods") && r.verbs.includes("list"))).toBe(
      true,
    );
    expect(out.nonResourceRules.some((r) => r.nonResourceURLs.includes("/api"))).toBe(true);
    expect(out.incomplete).toBe(true);
    expect(out.evaluationError).toBe('role.rbac.authorization.k8s.io "missing" not found');
    const elsewhere = (await reviewRules(authz, review("other"), bob)).status as { resourceRules: unknown[] };
    expect(elsewhere.resourceRules).toHaveLength(2);
  });

  it("requires a namespace", async () => {
    await expect(reviewRules(authz, review(), bob)).rejects.toMatchObject({ code: 422 });
  });
});
