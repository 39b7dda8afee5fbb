// Requests answered without storing anything: SelfSubjectAccessReview / SubjectAccessReview
// (`kubectl auth can-i`) evaluated by the RBAC authorizer, and TokenRequest
// (`serviceaccounts/NAME/token`, `kubectl create token`) issued by auth.
import { reviewAccess } from "../auth/access-review.js";
import { invalid } from "../errors.js";
import type { KubeObject } from "../types.js";
import { notServed, type RequestContext } from "./context.js";
import type { HttpResourceDef } from "./deps.js";
import { decodeObject, readBody } from "./body.js";
import { sendJson } from "./respond.js";

export const REVIEW_RESOURCES = new Set(["selfsubjectaccessreviews", "subjectaccessreviews"]);

/** POST .../selfsubjectaccessreviews or .../subjectaccessreviews: 201 with status filled. */
export async function handleAccessReview(ctx: RequestContext, resource: string): Promise<void> {
  if (ctx.info.verb !== "create" || ctx.info.urlName !== "") throw notServed();
  const kind = resource === "selfsubjectaccessreviews" ? "SelfSubjectAccessReview" : "SubjectAccessReview";
  const body = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const review: KubeObject = {
    ...body,
    apiVersion: "authorization.k8s.io/v1",
    kind,
    metadata: { ...(typeof body.metadata === "object" && body.metadata !== null ? body.metadata : {}) },
  };
  const answered = await reviewAccess(ctx.face.authorizer, review, ctx.user);
  sendJson(ctx.res, 201, { ...answered, metadata: { creationTimestamp: null, ...answered.metadata } });
}

const MIN_TOKEN_SECONDS = 600;
const DEFAULT_TOKEN_SECONDS = 3600;

/** POST /api/v1/namespaces/NS/serviceaccounts/NAME/token. */
export async function handleTokenRequest(ctx: RequestContext, def: HttpResourceDef): Promise<void> {
  const tokens = ctx.face.tokens;
  if (ctx.info.verb !== "create" || tokens === undefined) throw notServed();
  const body = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const spec = (typeof body.spec === "object" && body.spec !== null ? body.spec : {}) as {
    audiences?: string[];
    expirationSeconds?: number;
    boundObjectRef?: unknown;
  };
  const seconds = spec.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  const name = ctx.info.urlName;
  if (!Number.isInteger(seconds) || seconds < MIN_TOKEN_SECONDS || seconds > 2 ** 32) {
    throw invalid({ group: "authentication.k8s.io", kind: "TokenRequest" }, name, [
      {
        reason: "FieldValueInvalid",
        field: "spec.expirationSeconds",
        message:
          seconds < MIN_TOKEN_SECONDS
            ? `Invalid value: ${seconds}: may not specify a duration less than 10 minutes`
            : `Invalid value: ${seconds}: may not specify a duration larger than 2^32 seconds`,
      },
    ]);
  }
  const sa: KubeObject = await ctx.face.registry.get(def, ctx.info.namespace, name);
  const issued = await tokens.issueServiceAccountToken({
    namespace: ctx.info.namespace,
    name,
    uid: sa.metadata.uid ?? "",
    ...(spec.audiences !== undefined && spec.audiences.length > 0 && { audiences: spec.audiences }),
    expirationSeconds: seconds,
  });
  sendJson(ctx.res, 201, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace: ctx.info.namespace, creationTimestamp: null },
    spec: {
      audiences: spec.audiences ?? ["https://kubernetes.default.svc"],
      expirationSeconds: seconds,
      boundObjectRef: spec.boundObjectRef ?? null,
    },
    status: issued,
  });
}
