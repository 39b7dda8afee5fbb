// Manifests, tags and referrers of a repository: what the manifest endpoints do, without HTTP.
import type { KeyedMutex } from "../content/keyed-mutex.js";
import type { ContentStore } from "../content/store.js";
import { digestOf, parseDigest, type Digest } from "../oci/digest.js";
import { InvalidManifestError, parseManifest } from "../oci/manifest.js";
import { isValidTag } from "../oci/names.js";
import { RegistryError } from "./errors.js";
import { ManifestCache } from "./manifest-cache.js";
import { MissingReferencesError, type ManifestRecord, type RegistryMetadata } from "./metadata.js";
import { isTagMutable } from "./tag-mutability.js";

/** The spec asks registries to accept manifests of at least 4 MiB. */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

export interface ManifestServiceOptions {
  metadata: RegistryMetadata;
  content: ContentStore;
  locks: KeyedMutex;
}

export interface PutManifestResult {
  digest: Digest;
  subject?: Digest;
}

export interface ManifestContent {
  record: ManifestRecord;
  body: Buffer;
}

/** A manifest reference from a URL: a digest or a tag. */
export type Reference = { digest: Digest } | { tag: string };

export function parseReference(reference: string): Reference {
  if (reference.includes(":")) {
    try {
      return { digest: parseDigest(reference) };
    } catch (err) {
      throw new RegistryError("DIGEST_INVALID", (err as Error).message);
    }
  }
  if (!isValidTag(reference))
    throw new RegistryError("TAG_INVALID", `invalid tag ${JSON.stringify(reference)}`);
  return { tag: reference };
}

export class ManifestService {
  readonly #o: ManifestServiceOptions;
  readonly #cache = new ManifestCache();

  constructor(options: ManifestServiceOptions) {
    this.#o = options;
  }

  resolve(repository: string, reference: Reference): ManifestRecord {
    const { metadata } = this.#o;
    const digest = "digest" in reference ? reference.digest : metadata.resolveTag(repository, reference.tag);
    const record = digest && metadata.getManifest(repository, digest);
    if (!record) {
      const what = "digest" in reference ? reference.digest : reference.tag;
      throw new RegistryError("MANIFEST_UNKNOWN", `manifest ${what} unknown to repository ${repository}`);
    }
    return record;
  }

  async get(repository: string, reference: Reference): Promise<ManifestContent> {
    const record = this.resolve(repository, reference);
    let body = this.#cache.get(record.digest);
    if (body === undefined) {
      body = await this.#o.content.readAll(record.digest);
      this.#cache.set(record.digest, body);
    }
    return { record, body };
  }

  async put(
    repository: string,
    reference: Reference,
    body: Buffer,
    contentType?: string,
  ): Promise<PutManifestResult> {
    let parsed;
    try {
      parsed = parseManifest(body, contentType);
    } catch (err) {
      if (err instanceof InvalidManifestError) throw new RegistryError("MANIFEST_INVALID", err.message);
      throw err;
    }
    const algorithm =
      "digest" in reference ? reference.digest.slice(0, reference.digest.indexOf(":")) : "sha256";
    const digest = digestOf(body, algorithm === "sha512" ? "sha512" : "sha256");
    if ("digest" in reference && reference.digest !== digest) {
      throw new RegistryError(
        "DIGEST_INVALID",
        `manifest digest ${digest} does not match ${reference.digest}`,
      );
    }
    const record: ManifestRecord = {
      repository,
      digest,
      mediaType: parsed.mediaType,
      size: body.length,
      pushedAt: new Date(),
    };
    if (parsed.artifactType !== undefined) record.artifactType = parsed.artifactType;
    if (parsed.subject !== undefined) record.subject = parsed.subject.digest;
    if (parsed.annotations !== undefined) record.annotations = parsed.annotations;

    const tag = "tag" in reference ? reference.tag : undefined;
    await this.#o.locks.run(digest, async () => {
      await this.#o.content.put(body, digest);
      try {
        this.#o.metadata.putManifest({
          record,
          blobs: unique(parsed.blobs.map((d) => d.digest)),
          manifests: unique(parsed.manifests.map((d) => d.digest)),
          ...(tag !== undefined && { tag }),
          checkTagMove: (repo, tagName, current) => {
            if (current !== undefined && current !== digest && !isTagMutable(repo, tagName)) {
              throw new RegistryError(
                "TAG_INVALID",
                `the image tag '${tagName}' already exists in the '${repository}' repository and cannot be ` +
                  `overwritten because the repository's tag mutability is ${repo.tagMutability}; push under a new tag`,
              );
            }
          },
        });
      } catch (err) {
        if (err instanceof MissingReferencesError) {
          throw new RegistryError("MANIFEST_BLOB_UNKNOWN", err.message, { missing: err.missing });
        }
        throw err;
      }
    });
    this.#cache.set(digest, body);
    return { digest, ...(record.subject !== undefined && { subject: record.subject }) };
  }

  /** Deleting by digest removes the manifest (and its tags); by tag, only the tag. */
  delete(repository: string, reference: Reference): void {
    const { metadata } = this.#o;
    if ("tag" in reference) {
      const repo = metadata.getRepository(repository);
      if (repo && !isTagMutable(repo, reference.tag)) {
        throw new RegistryError("DENIED", `tag ${reference.tag} is immutable in repository ${repository}`);
      }
      if (!metadata.deleteTag(repository, reference.tag)) {
        throw new RegistryError(
          "MANIFEST_UNKNOWN",
          `tag ${reference.tag} unknown to repository ${repository}`,
        );
      }
      return;
    }
    if (metadata.deleteManifest(repository, reference.digest).length === 0) {
      throw new RegistryError(
        "MANIFEST_UNKNOWN",
        `manifest ${reference.digest} unknown to repository ${repository}`,
      );
    }
  }

  referrers(repository: string, subject: Digest, artifactType?: string): ManifestRecord[] {
    const all = this.#o.metadata.referrers(repository, subject);
    return artifactType === undefined ? all : all.filter((r) => r.artifactType === artifactType);
  }
}

function unique(digests: Digest[]): Digest[] {
  return [...new Set(digests)];
}
