// Field errors as apimachinery's field.Error reports them: a cause type, the field path and
// the body "Invalid value: "x": detail" that kubectl prints after the path.

import type { StatusCause } from "../errors.js";
import { goValue } from "./go-format.js";

function cause(reason: string, field: string, message: string): StatusCause {
  return { reason, message, field };
}

function withDetail(body: string, detail: string | undefined): string {
  return detail ? `${body}: ${detail}` : body;
}

export function required(field: string, detail?: string): StatusCause {
  return cause("FieldValueRequired", field, withDetail("Required value", detail));
}

export function invalidValue(field: string, value: unknown, detail?: string): StatusCause {
  return cause("FieldValueInvalid", field, withDetail(`Invalid value: ${goValue(value)}`, detail));
}

export function notSupported(field: string, value: unknown, supported: string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  return cause(
    "FieldValueNotSupported",
    field,
    withDetail(
      `Unsupported value: ${goValue(value)}`,
      supported.length ? `supported values: ${list}` : undefined,
    ),
  );
}

export function duplicate(field: string, value: unknown): StatusCause {
  return cause("FieldValueDuplicate", field, `Duplicate value: ${goValue(value)}`);
}

export function forbidden(field: string, detail: string): StatusCause {
  return cause("FieldValueForbidden", field, `Forbidden: ${detail}`);
}

export function tooLong(field: string, max: number): StatusCause {
  return cause("FieldValueTooLong", field, `Too long: must have at most ${max} bytes`);
}

export function tooMany(field: string, actual: number, max: number): StatusCause {
  return cause("FieldValueTooMany", field, `Too many: ${actual}: must have at most ${max} items`);
}

/** `field is immutable`, on a changed value, as ValidateImmutableField words it. */
export function immutable(field: string, value: unknown): StatusCause {
  return invalidValue(field, value, "field is immutable");
}

/** A JSON type the Go struct could not hold; the real server fails decoding instead. */
export function wrongType(field: string, value: unknown, expected: string): StatusCause {
  return cause(
    "FieldValueTypeInvalid",
    field,
    `Invalid value: ${goValue(value)}: must be of type ${expected}`,
  );
}

export function notFoundValue(field: string, value: unknown): StatusCause {
  return cause("FieldValueNotFound", field, `Not found: ${goValue(value)}`);
}
