// The registry's protocol errors: a closed table of the OCI Distribution Spec's codes
// (plus Docker's TOOMANYREQUESTS) with their HTTP statuses, and one error type that the
// HTTP edge serializes as `{"errors":[{"code","message","detail"}]}`.

export const ErrorCode = {
  BLOB_UNKNOWN: { status: 404, message: "blob unknown to registry" },
  BLOB_UPLOAD_INVALID: { status: 400, message: "blob upload invalid" },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: "blob upload unknown to registry" },
  DIGEST_INVALID: { status: 400, message: "provided digest did not match uploaded content" },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: "manifest references a manifest or blob unknown to registry",
  },
  MANIFEST_INVALID: { status: 400, message: "manifest invalid" },
  MANIFEST_UNKNOWN: { status: 404, message: "manifest unknown to registry" },
  NAME_INVALID: { status: 400, message: "invalid repository name" },
  NAME_UNKNOWN: { status: 404, message: "repository name not known to registry" },
  SIZE_INVALID: { status: 400, message: "provided length did not match content length" },
  TAG_INVALID: { status: 400, message: "manifest tag did not match URI" },
  UNAUTHORIZED: { status: 401, message: "authentication required" },
  DENIED: { status: 403, message: "requested access to the resource is denied" },
  UNSUPPORTED: { status: 405, message: "the operation is unsupported" },
  TOOMANYREQUESTS: { status: 429, message: "too many requests" },
  UNKNOWN: { status: 500, message: "unknown error" },
  RANGE_INVALID: { status: 416, message: "requested range not satisfiable" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "payload too large" },
} as const;
export type ErrorCode = keyof typeof ErrorCode;

export class RegistryError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: unknown,
    status?: number,
  ) {
    super(message ?? ErrorCode[code].message);
    this.status = status ?? ErrorCode[code].status;
  }

  toJSON(): { errors: { code: string; message: string; detail?: unknown }[] } {
    // 416 and 413 are statuses, not spec codes; report them under the nearest spec code.
    const code =
      this.code === "RANGE_INVALID"
        ? "BLOB_UPLOAD_INVALID"
        : this.code === "PAYLOAD_TOO_LARGE"
          ? "SIZE_INVALID"
          : this.code;
    const entry: { code: string; message: string; detail?: unknown } = { code, message: this.message };
    if (this.detail !== undefined) entry.detail = this.detail;
    return { errors: [entry] };
  }
}
