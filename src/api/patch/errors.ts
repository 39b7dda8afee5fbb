// How the real API server reports a patch it cannot apply (apiserver handlers/patch.go).

import { ApiError } from "../errors.js";

/**
 * 422 as `errors.NewGenericServerResponse(422, ...)` builds it: a generic message, and the
 * patch library's own words as an UnexpectedServerResponse cause.
 */
export function unprocessable(message: string): ApiError {
  return new ApiError("Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message }],
  });
}
