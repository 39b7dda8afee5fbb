// Requests answered without storing anything: SelfSubjectAccessReview / SubjectAccessReview
// (`kubectl auth can-i`) evaluated by the RBAC authorizer, and TokenRequest
// (`serviceaccounts/NAME/token`, `kubectl create token`) issued by auth.
import { invalid, type StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { notServed, type RequestContext } from "./context.js";
import type { HttpResourceDef, RequestAttributes, UserInfo } from "./deps.js";
import { decodeObject, readBody } from "./body.js";
import { sendJson } from "./respond.js";

export const REVIEW_RESOURCES = new Set(["selfsubjectaccessreviews", "subjectaccessreviews"]);

interface ReviewSpec {
  resourceAttributes?: Record<string, string | undefined>;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function attributesOf(spec: ReviewSpec, user: UserInfo): RequestAttributes {
  const r = spec.resourceAttributes;
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
  const n = spec.nonResourceAttributes ?? {};
  return {
    user,
    verb: str(n.verb),
    resourceRequest: false,
    apiGroup: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
    path: str(n.path),
  };
}

/** POST .../selfsubjectaccessreviews or .../subjectaccessreviews: 201 with status filled. */
export async function handleAccessReview(ctx: RequestContext, resource: string): Promise<void> {
  if (ctx.info.verb !== "create" || ctx.info.urlName !== "") throw notServed();
  const kind = resource === "selfsubjectaccessreviews" ? "SelfSubjectAccessReview" : "SubjectAccessReview";
  const body = decodeObject(
    await readBody(ctx.req),
    ctx.req.headers["content-type"],
    ctx.face.decodeProtobuf,
  );
  const spec = (typeof body.spec === "object" && body.spec !== null ? body.spec : {}) as ReviewSpec;
  const causes: StatusCause[] = [];
  if ((spec.resourceAttributes === undefined) === (spec.nonResourceAttributes === undefined)) {
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.resourceAttributes",
      message: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    });
  }
  let user = ctx.user;
  if (kind === "SubjectAccessReview") {
    if (str(spec.user) === "" && (spec.groups ?? []).length === 0) {
      causes.push({
        reason: "FieldValueRequired",
        field: "spec.user",
        message: 'Invalid value: "": at least one of user or group must be specified',
      });
    }
    user = {
      name: str(spec.user),
      groups: spec.groups ?? [],
      ...(spec.uid !== undefined && { uid: spec.uid }),
    };
  }
  if (causes.length > 0) throw invalid({ group: "authorization.k8s.io", kind }, "", causes);
  const decision = await ctx.face.authorizer.authorize(attributesOf(spec, user));
  sendJson(ctx.res, 201, {
    kind,
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: decision.allowed, ...(decision.reason !== "" && { reason: decision.reason }) },
  });
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
