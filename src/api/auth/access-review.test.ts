import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import type { KubeObject } from "../types.js";
import { reviewAccess } from "./access-review.js";
import { bootstrapRbac } from "./bootstrap.js";
import { RbacAuthorizer } from "./rbac.js";
import { binding, memorySource } from "./rbac.test-util.js";

const authz = new RbacAuthorizer(
  memorySource([
    ...bootstrapRbac(),
    binding("v", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "readers" }], "default"),
  ]),
);
const admin = { name: "skiff-admin", groups: ["system:masters", "system:authenticated"] };
const bob = { name: "bob", groups: ["system:authenticated"] };

function review(kind: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "authorization.k8s.io/v1", kind, metadata: {}, spec };
}

describe("reviewAccess", () => {
  it("answers kubectl auth can-i's SelfSubjectAccessReview for the requester", async () => {
    const ssar = review("SelfSubjectAccessReview", {
      resourceAttributes: { namespace: "default", verb: "create", group: "apps", resource: "deployments" },
    });
    expect((await reviewAccess(authz, ssar, admin)).status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    });
    const out = await reviewAccess(authz, ssar, bob);
    expect(out).toMatchObject({ kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1" });
    expect(out.status).toEqual({ allowed: false });
    const url = review("SelfSubjectAccessReview", { nonResourceAttributes: { verb: "get", path: "/api" } });
    expect((await reviewAccess(authz, url, bob)).status).toMatchObject({ allowed: true });
  });

  it("answers a SubjectAccessReview for the user and groups in its spec", async () => {
    const sar = review("SubjectAccessReview", {
      user: "carol",
      groups: ["readers"],
      resourceAttributes: { namespace: "default", verb: "list", resource: "pods" },
    });
    expect((await reviewAccess(authz, sar, admin)).status).toMatchObject({ allowed: true });
  });

  it("rejects specs with neither or both kinds of attributes, and SARs with no subject", async () => {
    const err = await reviewAccess(authz, review("SelfSubjectAccessReview", {}), bob).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    const noSubject = review("SubjectAccessReview", {
      resourceAttributes: { verb: "get", resource: "pods" },
    });
    await expect(reviewAccess(authz, noSubject, admin)).rejects.toMatchObject({ code: 422 });
  });
});
