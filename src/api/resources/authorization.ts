// authorization.k8s.io/v1 SelfSubjectAccessReview and SubjectAccessReview: create-only
// questions answered by the authorizer, never stored.

import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { required } from "./field-errors.js";
import { listAt, objAt, strAt } from "./json.js";
import { kindSchema } from "./schema-meta.js";
import { atomicList, bool, free, map, obj, str } from "./schema.js";

const group = "authorization.k8s.io";
const a = (n: string) => `io.k8s.api.authorization.v1.${n}`;

const ResourceAttributes = obj(
  {
    fieldSelector: free("The field selector of a list or watch request."),
    group: str('The API Group of the Resource; "*" means all.'),
    labelSelector: free("The label selector of a list or watch request."),
    name: str(
      'The name of the resource being requested for a "get" or deleted for a "delete"; "" means all.',
    ),
    namespace: str("The namespace of the action being requested."),
    resource: str('One of the existing resource types; "*" means all.'),
    subresource: str('One of the existing resource types; "" means none.'),
    verb: str(
      'A kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy; "*" means all.',
    ),
    version: str('The API Version of the Resource; "*" means all.'),
  },
  { name: a("ResourceAttributes"), d: "The attributes available to the Authorizer for resource requests." },
);
const NonResourceAttributes = obj(
  { path: str("The URL path of the request."), verb: str("The standard HTTP verb.") },
  {
    name: a("NonResourceAttributes"),
    d: "The attributes available to the Authorizer for non-resource requests.",
  },
);
const SubjectAccessReviewStatus = obj(
  {
    allowed: bool("Whether the request is allowed or not."),
    denied: bool("Whether the request is denied or not (optional, true only when explicitly denied)."),
    evaluationError: str("An indication that some error occurred during the authorization check."),
    reason: str("Why a request was allowed or denied."),
  },
  { name: a("SubjectAccessReviewStatus"), required: ["allowed"] },
);

function validateAttributes(o: KubeObject) {
  const spec = objAt(o, "spec");
  const ra = objAt(spec, "resourceAttributes");
  const nra = objAt(spec, "nonResourceAttributes");
  if (!ra && !nra)
    return [
      required(
        "spec.resourceAttributes",
        "exactly one of nonResourceAttributes or resourceAttributes must be specified",
      ),
    ];
  if (ra && nra)
    return [
      required("spec.nonResourceAttributes", "cannot be specified in combination with resourceAttributes"),
    ];
  return [];
}

const selfGvk = { group, version: "v1", kind: "SelfSubjectAccessReview" };
export const selfSubjectAccessReviewDef = defineResource({
  ...selfGvk,
  resource: "selfsubjectaccessreviews",
  namespaced: false,
  verbs: ["create"],
  schema: kindSchema(
    selfGvk,
    a("SelfSubjectAccessReview"),
    {
      spec: obj(
        { nonResourceAttributes: NonResourceAttributes, resourceAttributes: ResourceAttributes },
        { name: a("SelfSubjectAccessReviewSpec") },
      ),
      status: SubjectAccessReviewStatus,
    },
    "SelfSubjectAccessReview checks whether or the current user can perform an action.",
    { required: ["spec"] },
  ),
  validate: validateAttributes,
});

const sarGvk = { group, version: "v1", kind: "SubjectAccessReview" };
export const subjectAccessReviewDef = defineResource({
  ...sarGvk,
  resource: "subjectaccessreviews",
  namespaced: false,
  verbs: ["create"],
  schema: kindSchema(
    sarGvk,
    a("SubjectAccessReview"),
    {
      spec: obj(
        {
          extra: map(
            atomicList(str()),
            "Corresponds to the user.Info.GetExtra() method from the authenticator.",
          ),
          groups: atomicList(str(), "The groups you're testing for."),
          nonResourceAttributes: NonResourceAttributes,
          resourceAttributes: ResourceAttributes,
          uid: str("Information about the requesting user."),
          user: str("The user you're testing for."),
        },
        { name: a("SubjectAccessReviewSpec") },
      ),
      status: SubjectAccessReviewStatus,
    },
    "SubjectAccessReview checks whether or not a user or group can perform an action.",
    { required: ["spec"] },
  ),
  validate: (o) => {
    const out = validateAttributes(o);
    const spec = objAt(o, "spec");
    if (!strAt(spec, "user") && listAt(spec, "groups").length === 0)
      out.push(required("spec.user", "at least one of user or group must be specified"));
    return out;
  },
});
