// Storage errors as the API reports them.
import { alreadyExists, ApiError, notFound } from "../errors.js";
import type { ResourceDef } from "./deps.js";
import { isStoreError } from "./deps.js";

/** The ApiError for a storage failure on one object, or the error itself when it is not one. */
export function storeErrorToApi(err: unknown, def: ResourceDef, name: string): unknown {
  if (isStoreError(err, "KeyExistsError")) return alreadyExists(def.group, def.resource, name);
  if (isStoreError(err, "KeyNotFoundError")) return notFound(def.group, def.resource, name);
  if (isStoreError(err, "CompactedError")) return new ApiError("Gone", (err as Error).message);
  return err;
}

export const MODIFIED_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";
