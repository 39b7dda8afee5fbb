// Kubernetes' 403 wording (apiserver responsewriters.forbiddenMessage + errors.NewForbidden), so
// kubectl prints `Error from server (Forbidden): pods is forbidden: User "bob" cannot list
// resource "pods" in API group "" in the namespace "default"`.
import { ApiError, qualifiedResource } from "../errors.js";
import type { RequestAttributes } from "./deps.js";

export function forbiddenMessage(a: RequestAttributes): string {
  const who = `User "${a.user.name}" cannot ${a.verb}`;
  if (!a.resourceRequest) return `${who} path "${a.path}"`;
  const resource = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
  const scope = a.namespace === "" ? "at the cluster scope" : `in the namespace "${a.namespace}"`;
  return `${who} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}

/** The Forbidden error; `reason` (the authorizer's) is appended when it says something. */
export function forbidden(a: RequestAttributes, reason: string, message = forbiddenMessage(a)): ApiError {
  const text = reason === "" ? message : `${message}: ${reason}`;
  if (!a.resourceRequest) return new ApiError("Forbidden", `forbidden: ${text}`, {});
  const q = qualifiedResource(a.apiGroup, a.resource);
  const subject = a.name === "" ? q : `${q} "${a.name}"`;
  return new ApiError("Forbidden", `${subject} is forbidden: ${text}`, {
    ...(a.name !== "" && { name: a.name }),
    group: a.apiGroup,
    kind: a.resource,
  });
}
