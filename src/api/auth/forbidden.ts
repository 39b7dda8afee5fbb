// Kubernetes' 403 wording (apiserver's responsewriters.Forbidden over errors.NewForbidden), so
// kubectl prints `Error from server (Forbidden): pods is forbidden: User "bob" cannot list
// resource "pods" in API group "" in the namespace "default"`.
import { ApiError, qualifiedResource } from "../errors.js";
import type { RequestAttributes } from "./rbac.js";

type ForbiddenAttributes = Omit<RequestAttributes, "user"> & { user: { name: string } };

/** The apiserver escapes these before the text reaches a client that might render HTML. */
function sanitize(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The part after `... is forbidden: `: who cannot do what where, then `: reason` when the
 * authorizer gave one.
 */
export function forbiddenMessage(a: ForbiddenAttributes, reason = ""): string {
  const who = `User "${a.user.name}" cannot ${a.verb}`;
  let message: string;
  if (!a.resourceRequest) {
    message = `${who} path "${a.path}"`;
  } else {
    const resource = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
    const scope = a.namespace === "" ? "at the cluster scope" : `in the namespace "${a.namespace}"`;
    message = `${who} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
  }
  message = sanitize(message);
  return reason === "" ? message : `${message}: ${reason}`;
}

/** The whole 403 as an ApiError (Status with details group/kind/name like NewForbidden). */
export function forbiddenError(a: ForbiddenAttributes, reason = ""): ApiError {
  const text = forbiddenMessage(a, reason);
  if (a.apiGroup === "" && a.resource === "") return new ApiError("Forbidden", `forbidden: ${text}`, {});
  const q = qualifiedResource(a.apiGroup, a.resource);
  const subject = a.name === "" ? q : `${q} "${a.name}"`;
  return new ApiError("Forbidden", `${subject} is forbidden: ${text}`, {
    ...(a.name !== "" && { name: a.name }),
    ...(a.apiGroup !== "" && { group: a.apiGroup }),
    kind: a.resource,
  });
}
