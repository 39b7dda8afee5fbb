// Errors of the Kubernetes API: every failure the API face reports is an ApiError, serialised
// at the HTTP edge as a `Status` object (kind Status, status Failure, message, reason, details,
// code) so that kubectl prints `Error from server (NotFound): pods "x" not found`.

/** The reasons of metav1.StatusReason that Skiff uses, with their HTTP codes. */
export const StatusReasons = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  /** A continue token or watch resourceVersion older than the kept history. */
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;
export type StatusReason = keyof typeof StatusReasons;

/** One cause of an Invalid error; `reason` is a metav1.CauseType such as FieldValueRequired. */
export interface StatusCause {
  reason?: string;
  message?: string;
  /** The field path, e.g. `spec.template.spec.containers[0].image`. */
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status as sent on the wire. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details: StatusDetails | undefined;

  constructor(reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = "ApiError";
    this.reason = reason;
    this.code = StatusReasons[reason];
    this.details = details;
  }

  toStatus(): Status {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details !== undefined && { details: this.details }),
      code: this.code,
    };
  }
}

/** What a resource is called in messages: `deployments.apps` or `pods` (core). */
export function qualifiedResource(group: string, resource: string): string {
  return group === "" ? resource : `${resource}.${group}`;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  const q = qualifiedResource(group, resource);
  return new ApiError("NotFound", `${q} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  const q = qualifiedResource(group, resource);
  return new ApiError("AlreadyExists", `${q} "${name}" already exists`, { name, group, kind: resource });
}

/** The optimistic-concurrency failure kubectl shows for a stale update. */
export function conflict(group: string, resource: string, name: string, why: string): ApiError {
  const q = qualifiedResource(group, resource);
  return new ApiError("Conflict", `Operation cannot be fulfilled on ${q} "${name}": ${why}`, {
    name,
    group,
    kind: resource,
  });
}

/** The resourceVersion a client asked for is older than the history kept (watch/list). */
export function gone(message: string): ApiError {
  return new ApiError("Gone", message);
}

/** `Kind.group "name" is invalid: field: message, field2: message2`, as the real server words it. */
export function invalid(gk: { group: string; kind: string }, name: string, causes: StatusCause[]): ApiError {
  const kind = gk.group === "" ? gk.kind : `${gk.kind}.${gk.group}`;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ""}` : (c.message ?? ""))).join(", ");
  const summary = causes.length === 1 ? list : `[${list}]`;
  return new ApiError("Invalid", `${kind} "${name}" is invalid: ${summary}`, {
    name,
    group: gk.group,
    kind: gk.kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError("BadRequest", message);
}
