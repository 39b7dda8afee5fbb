// Writing answers: JSON bodies, Status errors and `Warning` headers.
import type { ServerResponse } from "node:http";
import { ApiError, type Status } from "../errors.js";
import { CONTENT_JSON } from "./negotiate.js";

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = CONTENT_JSON): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
}

/** Any failure as an ApiError: unexpected ones become 500 InternalError as Kubernetes words it. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError("InternalError", `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

export function statusOf(err: unknown): Status {
  return toApiError(err).toStatus();
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.code, e.toStatus());
}

/** `Warning: 299 - "text"`, which kubectl prints as `Warning: text`. */
export function setWarnings(res: ServerResponse, warnings: readonly string[] | undefined): void {
  if (warnings === undefined || warnings.length === 0) return;
  const quoted = warnings.map(
    (w) => `299 - "${w.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, " ")}"`,
  );
  res.setHeader("Warning", quoted);
}
