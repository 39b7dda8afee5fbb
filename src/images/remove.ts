// `docker rmi`: untagging and deleting with Docker's rules and conflict messages.
//  - By name: the name goes; the image goes with its last tag (its digest names go too),
//    unless a container uses it (409 without force; with force the image stays, untagged).
//  - By ID: every name goes and the image is deleted; names in more than one repository
//    need force; an image a container uses needs force, and is then only untagged (the
//    container keeps its image).
import type { Digest } from "../oci/digest.js";
import { familiarName, familiarString, parseReference, repositoryName } from "../oci/reference.js";
import { ImageConflictError } from "./errors.js";
import type { ImageDb } from "./image-db.js";
import type { Resolved } from "./lookup.js";

export type RemoveResult = Array<{ Untagged?: string; Deleted?: string }>;

export interface RemoveOptions {
  force: boolean;
  usedBy(imageId: Digest): string[];
}

const short = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);
const familiar = (name: string) => familiarString(parseReference(name));
const isTag = (name: string) => parseReference(name).digest === undefined;

/** Changes the database; returns what Docker reports and whether the image row was deleted. */
export function removeImage(
  db: ImageDb,
  target: Resolved,
  input: string,
  o: RemoveOptions,
): { result: RemoveResult; deleted: boolean } {
  const names = db.namesOf(target.id);
  const users = o.usedBy(target.id);
  const result: RemoveResult = [];
  const untag = (name: string) => {
    db.deleteName(name);
    result.push({ Untagged: familiar(name) });
  };

  if (target.name !== undefined) {
    const otherTags = names.filter((n) => n !== target.name && isTag(n));
    if (otherTags.length > 0 && isTag(target.name)) {
      untag(target.name);
      return { result, deleted: false };
    }
    if (users.length > 0 && !o.force) {
      const shown = familiarName(parseReference(target.name));
      throw new ImageConflictError(
        `conflict: unable to remove repository reference "${input.includes(":") || input.includes("@") ? input : shown}" (must force) - container ${short(users[0]!)} is using its referenced image ${short(target.id)}`,
      );
    }
    untag(target.name);
    if (otherTags.length > 0) return { result, deleted: false };
    for (const n of names) if (n !== target.name) untag(n);
  } else {
    const repos = new Set(names.map((n) => repositoryName(parseReference(n))));
    if (repos.size > 1 && !o.force) {
      throw new ImageConflictError(
        `conflict: unable to delete ${short(target.id)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
    if (users.length > 0 && !o.force) {
      throw new ImageConflictError(
        `conflict: unable to delete ${short(target.id)} (must be forced) - image is being used by stopped container ${short(users[0]!)}`,
      );
    }
    for (const n of names) untag(n);
  }
  if (users.length > 0) return { result, deleted: false };
  db.delete(target.id);
  result.push({ Deleted: target.id });
  return { result, deleted: true };
}
