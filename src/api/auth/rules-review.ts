// SelfSubjectRulesReview (`kubectl auth can-i --list`): every rule that applies to the requester
// in a namespace, split into resource and non-resource rules as Kubernetes reports them.
import { invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { RbacAuthorizer } from "./rbac.js";
import type { UserInfo } from "./user.js";

type RulesSource = Pick<RbacAuthorizer, "rulesFor">;

export async function reviewRules(
  authorizer: RulesSource,
  review: KubeObject,
  requester: UserInfo,
): Promise<KubeObject> {
  const spec = (typeof review.spec === "object" && review.spec !== null ? review.spec : {}) as {
    namespace?: unknown;
  };
  const namespace = typeof spec.namespace === "string" ? spec.namespace : "";
  if (namespace === "") {
    throw invalid({ group: "authorization.k8s.io", kind: "SelfSubjectRulesReview" }, "", [
      { reason: "FieldValueRequired", field: "spec.namespace", message: "Required value" },
    ]);
  }
  const { rules, errors } = await authorizer.rulesFor(requester, namespace);
  const resourceRules = rules
    .filter((r) => r.nonResourceURLs.length === 0)
    .map((r) => ({
      verbs: r.verbs,
      ...(r.apiGroups.length > 0 && { apiGroups: r.apiGroups }),
      ...(r.resources.length > 0 && { resources: r.resources }),
      ...(r.resourceNames.length > 0 && { resourceNames: r.resourceNames }),
    }));
  const nonResourceRules = rules
    .filter((r) => r.nonResourceURLs.length > 0)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    metadata: { ...review.metadata },
    spec: { namespace },
    status: {
      resourceRules,
      nonResourceRules,
      incomplete: errors.length > 0,
      ...(errors.length > 0 && { evaluationError: errors.join(", ") }),
    },
  };
}
