// The failures of strategic merge patch in the words of apimachinery's strategicpatch and
// mergepatch packages, and the HTTP status the API server gives each (patch.go,
// interpretStrategicMergePatchError): format errors are 400, unsupported content 422.

import type { ApiError } from "../errors.js";
import { badRequest } from "../errors.js";
import { unprocessable } from "./errors.js";
import { isObject } from "./json.js";

export class SmpError extends Error {
  constructor(
    message: string,
    readonly status: "BadRequest" | "Unprocessable" = "BadRequest",
  ) {
    super(message);
  }

  toApiError(): ApiError {
    return this.status === "Unprocessable" ? unprocessable(this.message) : badRequest(this.message);
  }
}

export const errNoListOfLists = () => new SmpError("lists of lists are not supported", "Unprocessable");
export const errBadPatchFormatForPrimitiveList = () => new SmpError("invalid patch format of primitive list");
export const errBadPatchFormatForRetainKeys = () => new SmpError("invalid patch format of retainKeys");

export function errNoMergeKey(m: unknown, key: string): SmpError {
  return new SmpError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

export function errBadPatchType(t: unknown, m: unknown): SmpError {
  return new SmpError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
}

/** `expected a []interface {}, but received a string`, as mergepatch.ErrBadArgType words it. */
export function errBadArgType(expected: "list" | "map", actual: unknown): SmpError {
  const goType = (v: unknown) =>
    Array.isArray(v)
      ? "[]interface {}"
      : isObject(v)
        ? "map[string]interface {}"
        : v === null
          ? "<nil>"
          : typeof v === "number"
            ? "float64"
            : typeof v === "boolean"
              ? "bool"
              : "string";
  return new SmpError(
    `expected a ${expected === "list" ? "[]interface {}" : "map[string]interface {}"}, but received a ${goType(actual)}`,
  );
}

export function errSetElementOrderMismatch(patchList: unknown[], order: unknown[]): SmpError {
  return new SmpError(
    `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`,
  );
}

/** Go's `%v` of a decoded JSON value: `map[a:1 b:[x y]]`, keys sorted. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(" ")}]`;
  }
  return String(v);
}
