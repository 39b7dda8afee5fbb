// SelfSubjectAccessReview (`kubectl auth can-i`) and SubjectAccessReview: the request a review
// describes, evaluated by the authorizer, answered with the review and its status filled in.
import { invalid, type StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import type { Decision, RequestAttributes } from "./rbac.js";
import type { UserInfo } from "./user.js";

export interface Authorizer {
  authorize(a: RequestAttributes): Promise<Decision>;
}

const GROUP = "authorization.k8s.io";

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The authorizer.Attributes a review's spec asks about, for `user`. */
export function reviewAttributes(spec: Record<string, unknown>, user: UserInfo): RequestAttributes {
  const r = record(spec.resourceAttributes);
  if (r !== undefined) {
    return {
      user,
      verb: str(r.verb),
      resourceRequest: true,
      apiGroup: str(r.group),
      resource: str(r.resource),
      subresource: str(r.subresource),
      namespace: str(r.namespace),
      name: str(r.name),
      path: "",
    };
  }
  const n = record(spec.nonResourceAttributes) ?? {};
  const empty = { apiGroup: "", resource: "", subresource: "", namespace: "", name: "" };
  return { user, verb: str(n.verb), resourceRequest: false, path: str(n.path), ...empty };
}

function validate(kind: string, spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const hasResource = record(spec.resourceAttributes) !== undefined;
  const hasNonResource = record(spec.nonResourceAttributes) !== undefined;
  if (hasResource && hasNonResource) {
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.nonResourceAttributes",
      message: 'Invalid value: "object": cannot be specified in combination with resourceAttributes',
    });
  }
  if (!hasResource && !hasNonResource) {
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.resourceAttributes",
      message:
        'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  }
  if (kind === "SubjectAccessReview") {
    const groups = Array.isArray(spec.groups) ? spec.groups : [];
    if (str(spec.user) === "" && groups.length === 0) {
      causes.push({
        reason: "FieldValueInvalid",
        field: "spec.user",
        message: 'Invalid value: "": at least one of user or group must be specified',
      });
    }
  }
  return causes;
}

/** The user a SubjectAccessReview asks about (its spec.user/groups/uid). */
function subjectOf(spec: Record<string, unknown>): UserInfo {
  const groups = Array.isArray(spec.groups)
    ? spec.groups.filter((g): g is string => typeof g === "string")
    : [];
  const uid = str(spec.uid);
  return { name: str(spec.user), groups, ...(uid !== "" && { uid }) };
}

/**
 * Evaluates a SelfSubjectAccessReview (for `requester`) or a SubjectAccessReview (for the user in
 * its spec) and returns it with `status: {allowed, reason?}`; 422 Invalid for a malformed spec.
 */
export async function reviewAccess(
  authorizer: Authorizer,
  review: KubeObject,
  requester: UserInfo,
): Promise<KubeObject> {
  const kind = review.kind === "SubjectAccessReview" ? "SubjectAccessReview" : "SelfSubjectAccessReview";
  const spec = record(review.spec) ?? {};
  const causes = validate(kind, spec);
  if (causes.length > 0) throw invalid({ group: GROUP, kind }, review.metadata.name ?? "", causes);
  const user = kind === "SubjectAccessReview" ? subjectOf(spec) : requester;
  const decision = await authorizer.authorize(reviewAttributes(spec, user));
  return {
    apiVersion: `${GROUP}/v1`,
    kind,
    metadata: { ...review.metadata },
    spec,
    status: { allowed: decision.allowed, ...(decision.reason !== "" && { reason: decision.reason }) },
  };
}
