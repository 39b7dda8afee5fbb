// RFC 6902 JSON Patch with the behaviour of the library the API server uses (evanphx/json-patch
// v4): its error texts, negative array indices counted from the end, `replace` of a missing
// object key adding it, `test` of a missing key against null passing. Paths are resolved and
// checked here; the mutation itself is fast-json-patch's.

import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { ApiError, badRequest } from "../errors.js";
import { unprocessable } from "./errors.js";
import { clone, deepEqual, goJsonType, isObject } from "./json.js";

/** apiserver's limit on the number of operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = Record<string, unknown> | unknown[];

class PatchFailure extends Error {}

/** Applies `patch` to a copy of `doc` and returns it; ApiError BadRequest / Invalid (422) as Kubernetes. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(
      "RequestEntityTooLarge",
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  const ops = patch.map((op: unknown) => {
    if (!isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
    return op;
  });
  let out = clone(doc);
  try {
    for (const op of ops) out = applyOne(out, op);
  } catch (e) {
    if (e instanceof PatchFailure) throw unprocessable(e.message);
    throw e;
  }
  return out;
}

function applyOne(doc: unknown, op: Record<string, unknown>): unknown {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  switch (kind) {
    case "add": {
      const path = pathOf(op, "path", "add operation failed to decode path");
      const at = resolve(doc, path);
      if (!at)
        throw new PatchFailure(`add operation does not apply: doc is missing path: "${path}": missing value`);
      const key = addKey(at, path);
      return mutate(doc, { op: "add", path: pointer(path, key), value: valueOf(op) });
    }
    case "remove": {
      const path = pathOf(op, "path", "remove operation failed to decode path");
      const at = resolve(doc, path);
      if (!at)
        throw new PatchFailure(
          `remove operation does not apply: doc is missing path: "${path}": missing value`,
        );
      const key = existingKey(at, (m) => new PatchFailure(`error in remove for path: '${path}': ${m}`));
      return mutate(doc, { op: "remove", path: pointer(path, key) });
    }
    case "replace": {
      const path = pathOf(op, "path", "replace operation failed to decode path");
      if (path === "") {
        const value = valueOf(op);
        if (!isObject(value) && !Array.isArray(value)) {
          throw new PatchFailure("replace operation value must be object or array");
        }
        return clone(value);
      }
      const at = resolve(doc, path);
      if (!at)
        throw new PatchFailure(
          `replace operation does not apply: doc is missing path: ${path}: missing value`,
        );
      // A missing object key is set, as the v4 library does; a missing array index is an error.
      const key = Array.isArray(at.container)
        ? existingKey(
            at,
            () =>
              new PatchFailure(
                `replace operation does not apply: doc is missing key: ${path}: missing value`,
              ),
          )
        : at.key;
      return mutate(doc, { op: "replace", path: pointer(path, key), value: valueOf(op) });
    }
    case "move":
    case "copy": {
      const from = pathOf(op, "from", `${kind} operation failed to decode from`);
      const src = resolve(doc, from);
      if (!src)
        throw new PatchFailure(
          `${kind} operation does not apply: doc is missing from path: ${from}: missing value`,
        );
      const fromKey = existingKey(
        src,
        (m) =>
          new PatchFailure(
            kind === "move"
              ? `error in move for path: '${src.key}': ${m}`
              : `error in copy for from: '${from}': ${m}`,
          ),
      );
      const value = clone(
        Array.isArray(src.container) ? src.container[Number(fromKey)] : src.container[fromKey],
      );
      let out = doc;
      if (kind === "move") out = mutate(out, { op: "remove", path: pointer(from, fromKey) });
      const path = pathOf(op, "path", `${kind} operation failed to decode path`);
      const dst = resolve(out, path);
      if (!dst) {
        throw new PatchFailure(
          `${kind} operation does not apply: doc is missing destination path: ${path}: missing value`,
        );
      }
      return mutate(out, { op: "add", path: pointer(path, addKey(dst, path)), value });
    }
    case "test": {
      const path = pathOf(op, "path", "test operation failed to decode path");
      const expected = op.value;
      if (path === "") {
        if (deepEqual(doc, expected)) return doc;
        throw new PatchFailure(`testing value ${path} failed: test failed`);
      }
      const at = resolve(doc, path);
      if (!at)
        throw new PatchFailure(`test operation does not apply: is missing path: ${path}: missing value`);
      let actual: unknown;
      if (Array.isArray(at.container)) {
        const key = existingKey(at, (m) => new PatchFailure(`error in test for path: '${path}': ${m}`));
        actual = at.container[Number(key)];
      } else {
        actual = Object.hasOwn(at.container, at.key) ? at.container[at.key] : undefined;
      }
      if (actual === undefined ? expected === undefined || expected === null : deepEqual(actual, expected))
        return doc;
      throw new PatchFailure(`testing value ${path} failed: test failed`);
    }
    default:
      throw new PatchFailure(`Unexpected kind: ${kind}`);
  }
}

function pathOf(op: Record<string, unknown>, field: "path" | "from", what: string): string {
  const p = op[field];
  if (typeof p !== "string") throw new PatchFailure(`${what}: missing value`);
  return p;
}

function valueOf(op: Record<string, unknown>): unknown {
  return op.value === undefined ? null : clone(op.value);
}

interface Location {
  container: Container;
  /** The last path segment, unescaped. */
  key: string;
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The container holding the last segment of `path` (evanphx findObject), or undefined. */
function resolve(doc: unknown, path: string): Location | undefined {
  const parts = path.split("/");
  if (parts.length < 2) return undefined;
  let cur: unknown = doc;
  for (const raw of parts.slice(1, -1)) {
    const seg = unescape(raw);
    let next: unknown;
    if (Array.isArray(cur)) {
      const i = arrayIndex(seg, cur.length);
      next = i === undefined || i >= cur.length ? undefined : cur[i];
    } else if (isObject(cur)) {
      next = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    }
    if (!isObject(next) && !Array.isArray(next)) return undefined;
    cur = next;
  }
  if (!isObject(cur) && !Array.isArray(cur)) return undefined;
  return { container: cur, key: unescape(parts[parts.length - 1] ?? "") };
}

/** A decimal index; negative counts from the end (as the v4 library allows). Undefined when out of range. */
function arrayIndex(seg: string, length: number): number | undefined {
  if (!/^-?\d+$/.test(seg)) return undefined;
  const i = Number(seg);
  if (i < 0) return i < -length ? undefined : i + length;
  return i;
}

/** The key of an element that must exist: the normalised index or the object key. */
function existingKey(at: Location, fail: (message: string) => PatchFailure): string {
  if (Array.isArray(at.container)) {
    if (!/^-?\d+$/.test(at.key)) throw fail(`strconv.Atoi: parsing "${at.key}": invalid syntax`);
    const i = arrayIndex(at.key, at.container.length);
    if (i === undefined || i >= at.container.length) {
      throw fail(`Unable to access invalid index: ${at.key}: invalid index referenced`);
    }
    return String(i);
  }
  if (!Object.hasOwn(at.container, at.key))
    throw fail(`Unable to remove nonexistent key: ${at.key}: missing value`);
  return at.key;
}

/** Where an `add` inserts: `-` appends; an index may equal the length; negative counts from the end. */
function addKey(at: Location, path: string): string {
  if (!Array.isArray(at.container) || at.key === "-") return at.key;
  if (!/^-?\d+$/.test(at.key)) {
    throw new PatchFailure(
      `error in add for path: '${path}': value was not a proper array index: '${at.key}': strconv.Atoi: parsing "${at.key}": invalid syntax`,
    );
  }
  const i = arrayIndex(at.key, at.container.length + 1);
  if (i === undefined || i > at.container.length) {
    throw new PatchFailure(
      `error in add for path: '${path}': Unable to access invalid index: ${at.key}: invalid index referenced`,
    );
  }
  return String(i);
}

/** `path` with its last segment replaced by the (normalised) key, re-escaped. */
function pointer(path: string, key: string): string {
  return `${path.slice(0, path.lastIndexOf("/"))}/${jsonpatch.escapePathComponent(key)}`;
}

function mutate(doc: unknown, op: Operation): unknown {
  try {
    return jsonpatch.applyOperation(doc, op, false, true, true).newDocument;
  } catch (e) {
    // Only the prototype guard can throw here: paths were resolved above.
    throw new PatchFailure(e instanceof Error ? e.message : String(e));
  }
}
