// Continue tokens of paginated lists: the revision the first page read at and the last key
// returned (relative to the list's prefix), so later pages read the same snapshot.
import { ApiError, badRequest } from "../errors.js";

interface TokenBody {
  v: "meta.k8s.io/v1";
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, lastKey: string, prefix: string): string {
  const body: TokenBody = { v: "meta.k8s.io/v1", rv: revision, start: lastKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/** The snapshot revision and the absolute key to start after. BadRequest for a malformed token. */
export function decodeContinue(token: string, prefix: string): { revision: number; startAfter: string } {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data or JSON");
  }
  const b = body as Partial<TokenBody> | null;
  if (b === null || typeof b !== "object" || b.v !== "meta.k8s.io/v1") {
    throw badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  if (typeof b.rv !== "number" || !Number.isInteger(b.rv) || b.rv <= 0) {
    throw badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  if (typeof b.start !== "string" || b.start.includes("..") || b.start.startsWith("/")) {
    throw badRequest("continue key is not valid: invalid start key");
  }
  return { revision: b.rv, startAfter: prefix + b.start };
}

/** 410 for a continue token whose snapshot has been compacted away (Kubernetes' words). */
export function continueExpired(): ApiError {
  return new ApiError(
    "Gone",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response",
  );
}
