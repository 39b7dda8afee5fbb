// Parsing the few HTTP headers the distribution protocol gives meaning to.
import type { ByteRange } from "../../content/store.js";
import { RegistryError } from "../errors.js";

/**
 * `Range: bytes=start-end` of a blob GET, resolved against the blob's size. Returns
 * undefined for a missing header; throws RANGE_INVALID (416) for one that cannot be served.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) {
    throw new RegistryError("RANGE_INVALID", `unsupported Range header ${JSON.stringify(header)}`);
  }
  let start: number;
  let end: number;
  if (match[1] === "") {
    // A suffix range: the last N bytes.
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) {
    throw new RegistryError("RANGE_INVALID", `range ${header} is outside the blob's ${size} bytes`);
  }
  return { start, end };
}

/** `Content-Range: start-end` of an upload chunk (the spec's form, with or without `bytes `). */
export function parseContentRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) throw new RegistryError("RANGE_INVALID", `invalid Content-Range ${JSON.stringify(header)}`);
  const range = { start: Number(match[1]), end: Number(match[2]) };
  if (range.end < range.start) throw new RegistryError("RANGE_INVALID", `invalid Content-Range ${header}`);
  return range;
}

/** Media types an `Accept` header lists (all of its values, without parameters). */
export function acceptedTypes(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values
    .flatMap((v) => v.split(","))
    .map((t) => t.split(";")[0]!.trim())
    .filter((t) => t !== "");
}

/** `Range` of an upload's progress: inclusive end of the bytes received (0-0 when none). */
export function uploadRange(offset: number): string {
  return `0-${Math.max(0, offset - 1)}`;
}
