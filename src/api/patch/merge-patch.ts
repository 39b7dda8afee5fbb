// RFC 7386 JSON Merge Patch: objects merge recursively, null deletes a key, anything else
// (arrays included) replaces. Like the API server's library, a patch that is not a JSON object
// is refused rather than replacing the whole object.

import { badRequest } from "../errors.js";
import { clone, isObject, type JsonObject, setOwn } from "./json.js";

export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest("Invalid JSON Patch");
  return mergeValue(doc, patch);
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergeValue(out[k], v));
  }
  return out;
}
