// Resolving what users type to an image: a name (`busybox`, `busybox:1`, `host/a/b@sha256:…`),
// a full ID (`sha256:…` or 64 hex) or any unique prefix of an ID's hex, as Docker does:
// names first, then IDs.
import type { Digest } from "../oci/digest.js";
import { formatReference, parseReference, repositoryName, withDefaultTag } from "../oci/reference.js";
import { ImageNotFoundError } from "./errors.js";
import type { ImageDb } from "./image-db.js";

const FULL_ID = /^(?:sha256:)?([a-f0-9]{64})$/;
const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{1,64})$/;

export interface Resolved {
  id: Digest;
  /** The fully qualified name the input named, when it named one that exists. */
  name?: string;
}

export function resolveImage(db: ImageDb, input: string): Resolved {
  const full = FULL_ID.exec(input);
  if (full) {
    const id = `sha256:${full[1]}` as Digest;
    if (db.get(id)) return { id };
    throw new ImageNotFoundError(input);
  }
  let parsed;
  try {
    parsed = withDefaultTag(parseReference(input));
  } catch {
    parsed = undefined;
  }
  if (parsed) {
    const name = formatReference(parsed);
    const id = db.resolveName(name);
    if (id) return { id, name };
    if (parsed.digest !== undefined) {
      // `repo@digest` for an image that has the repo but was never pulled by that digest name.
      const repo = repositoryName(parsed);
      const hit = db
        .all()
        .find(
          (r) =>
            (r.manifestDigest === parsed.digest || r.blobs.includes(parsed.digest!)) &&
            db.namesOf(r.id).some((n) => n.startsWith(`${repo}:`) || n.startsWith(`${repo}@`)),
        );
      if (hit) return { id: hit.id };
    }
  }
  const prefix = ID_PREFIX.exec(input);
  if (prefix) {
    const ids = db.idsWithPrefix(prefix[1]!);
    if (ids.length === 1) return { id: ids[0]! };
  }
  throw new ImageNotFoundError(input);
}
