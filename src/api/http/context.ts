// One request as the handlers see it: the parsed URL and request info, the authenticated user,
// the negotiated representation and the modules behind the API.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../errors.js";
import type { ApiFace, HttpResourceDef, UserInfo } from "./deps.js";
import type { Representation } from "./negotiate.js";
import type { RequestInfo } from "./request-info.js";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: RequestInfo;
  user: UserInfo;
  face: ApiFace;
  /** What the client accepts (undefined: nothing we can produce). */
  representation: Representation | undefined;
  now(): Date;
  /** Aborted when the server begins to shut down (ends watches). */
  shutdown: AbortSignal;
}

/** Kubernetes' answer for a path nothing serves. */
export function notServed(): ApiError {
  return new ApiError("NotFound", "the server could not find the requested resource", {});
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
    {},
  );
}

export function notAcceptable(): ApiError {
  return new ApiError(
    "NotAcceptable",
    "the server was unable to respond with a content type that the client supports",
    {},
  );
}

/** The namespace a resource request acts in: undefined for cluster-scoped kinds and all-namespace lists. */
export function scopeNamespace(def: HttpResourceDef, info: RequestInfo): string | undefined {
  if (!def.namespaced) return undefined;
  return info.namespace === "" ? undefined : info.namespace;
}
