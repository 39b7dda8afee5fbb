// Failed answers of the API server as the ApiError the in-process client throws: a Status body
// keeps its reason, message and details, so `err.reason === "NotFound"` works over HTTPS too.
import { ApiError, StatusReasons, type StatusDetails, type StatusReason } from "../errors.js";

/** The reason Kubernetes' client-go assumes when a failed answer carries no Status. */
const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

function isReason(value: unknown): value is StatusReason {
  return typeof value === "string" && Object.hasOwn(StatusReasons, value);
}

interface StatusLike {
  kind?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: unknown;
}

function parseStatus(text: string): StatusLike | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && (parsed as StatusLike).kind === "Status") {
      return parsed as StatusLike;
    }
  } catch {
    // not JSON: a proxy's or a plain-text answer
  }
  return undefined;
}

/** The ApiError of a failed HTTP answer (`code` >= 400) whose body is `text`. */
export function apiErrorFromResponse(code: number, text: string): ApiError {
  const status = parseStatus(text);
  const reason = isReason(status?.reason) ? status.reason : (REASON_BY_CODE[code] ?? "InternalError");
  const message =
    typeof status?.message === "string"
      ? status.message
      : text.trim() !== ""
        ? text.trim().slice(0, 500)
        : `the server answered HTTP ${code}`;
  const details =
    typeof status?.details === "object" && status.details !== null
      ? (status.details as StatusDetails)
      : undefined;
  return new ApiError(reason, message, details);
}
