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

/** Bytes gathered before each write of a streamed list. */
const LIST_CHUNK = 64 * 1024;

/**
 * A JSON list written a piece at a time: `head` (apiVersion, kind, metadata) then each item as
 * it is made, waiting whenever the client reads slower than we write. A list of thousands of
 * objects is then never one string, one buffer and one array of objects at the same time.
 */
export async function sendJsonList(
  res: ServerResponse,
  head: object,
  items: AsyncIterable<unknown>,
): Promise<void> {
  res.writeHead(200, { "Content-Type": CONTENT_JSON, "Cache-Control": "no-cache, private" });
  // `{...,"items":[]}` without its closing `]}`.
  let chunk = JSON.stringify({ ...head, items: [] }).slice(0, -2);
  let first = true;
  for await (const item of items) {
    chunk += first ? JSON.stringify(item) : `,${JSON.stringify(item)}`;
    first = false;
    if (chunk.length < LIST_CHUNK) continue;
    const more = res.write(chunk);
    chunk = "";
    if (!more) await drained(res);
    if (res.destroyed) return;
  }
  res.end(`${chunk}]}`);
}

/** Resolves once `res` can take more, or is gone, or `signal` (if any) aborts. */
export function drained(res: ServerResponse, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
    signal?.addEventListener("abort", done, { once: true });
  });
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
