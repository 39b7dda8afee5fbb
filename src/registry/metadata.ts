// What the registry records about its content: repositories, the blobs linked into each,
// manifests with what they reference, tags, and uploads in progress. The bytes themselves
// live in the content store; this is the index over them. One implementation today
// (SQLite, `sqlite-metadata.ts`); the shared store of a multi-server setup implements the
// same interface.
import type { Digest } from "../oci/digest.js";
import type { TagMutabilitySettings } from "./tag-mutability.js";

export interface RepositoryRecord extends TagMutabilitySettings {
  name: string;
  createdAt: Date;
}

export interface BlobLink {
  digest: Digest;
  size: number;
  /** Last time a push linked or touched the blob here; young links are spared by the GC. */
  linkedAt: Date;
}

export interface ManifestRecord {
  repository: string;
  digest: Digest;
  mediaType: string;
  size: number;
  artifactType?: string;
  subject?: Digest;
  annotations?: Record<string, string>;
  pushedAt: Date;
}

/** A manifest with what listing and lifecycle rules need to know about it. */
export interface ImageRecord extends ManifestRecord {
  tags: string[];
  /** True when another manifest of the repository (an index) lists this one. */
  isChild: boolean;
  /** Manifest plus every blob it (or its children) references, counted once each. */
  totalSize: number;
}

export interface UploadRecord {
  id: string;
  repository: string;
  startedAt: Date;
}

export interface PutManifestRequest {
  record: ManifestRecord;
  /** Blobs (config, layers) that must be linked in the repository. */
  blobs: Digest[];
  /** Child manifests (of an index) that must exist in the repository. */
  manifests: Digest[];
  tag?: string;
  /**
   * Called inside the write transaction with the digest the tag points at now (if any),
   * so a tag-mutability rule is checked and applied atomically. Throws to refuse.
   */
  checkTagMove?: (repository: RepositoryRecord, tag: string, current: Digest | undefined) => void;
}

export interface Page {
  /** Return entries after this one (lexical order). */
  last?: string;
  /** At most this many entries. */
  n?: number;
}

export interface RegistryMetadata {
  getRepository(name: string): RepositoryRecord | undefined;
  /** Creates the repository on first push; returns it either way. */
  ensureRepository(name: string): RepositoryRecord;
  createRepository(name: string, settings: TagMutabilitySettings): RepositoryRecord;
  updateRepository(name: string, settings: TagMutabilitySettings): RepositoryRecord;
  /** Removes the repository with its manifests, tags, links and upload records. */
  deleteRepository(name: string): boolean;
  listRepositories(page?: Page): string[];

  /**
   * Links a committed blob into a repository (and refreshes the link's time). With
   * `finishedUpload`, that upload's record goes in the same transaction (one sync, not two).
   */
  linkBlob(repository: string, digest: Digest, size: number, options?: { finishedUpload?: string }): void;
  /** Refreshes the link time of a blob a push is about to reference. */
  touchBlobLink(repository: string, digest: Digest): void;
  getBlobLink(repository: string, digest: Digest): BlobLink | undefined;
  /** Any repository's link of this blob, for cross-repository checks. */
  findBlob(digest: Digest): { size: number } | undefined;
  unlinkBlob(repository: string, digest: Digest): boolean;

  /**
   * Records a manifest atomically: verifies every referenced blob and manifest is present
   * in the repository (throws `MissingReferencesError`), stores the record and its
   * references, links its own bytes as a blob, and moves `tag` when given.
   */
  putManifest(request: PutManifestRequest): void;
  getManifest(repository: string, digest: Digest): ManifestRecord | undefined;
  resolveTag(repository: string, tag: string): Digest | undefined;
  /**
   * Deletes a manifest and the tags pointing at it. Children of a deleted index that no
   * tag and no other manifest still reference are deleted with it. Returns what was deleted.
   */
  deleteManifest(repository: string, digest: Digest): Digest[];
  deleteTag(repository: string, tag: string): boolean;
  listTags(repository: string, page?: Page): string[];
  listImages(repository: string): ImageRecord[];
  referrers(repository: string, subject: Digest): ManifestRecord[];

  createUpload(upload: UploadRecord): void;
  getUpload(id: string): UploadRecord | undefined;
  deleteUpload(id: string): void;
  listUploads(): UploadRecord[];

  /** The repository's lifecycle policy document (JSON text), if it has one. */
  getLifecyclePolicy(repository: string): string | undefined;
  /** Sets (or with undefined, removes) a repository's lifecycle policy; false if there is no such repository. */
  setLifecyclePolicy(repository: string, policy: string | undefined): boolean;
  /** Repositories that have a lifecycle policy. */
  repositoriesWithLifecyclePolicy(): string[];

  /** Blobs that no manifest references and no repository linked after `cutoff`. */
  unreferencedBlobs(cutoff: Date): Digest[];
  /**
   * Forgets a blob if it is still unreferenced and was not linked after `cutoff`, in one
   * transaction; returns whether it was forgotten (and its bytes may now be deleted).
   */
  forgetBlobIfUnreferenced(digest: Digest, cutoff: Date): boolean;
  /** Whether any repository links the blob or any manifest references it. */
  isBlobKnown(digest: Digest): boolean;

  close(): void;
}

export class MissingReferencesError extends Error {
  constructor(readonly missing: Digest[]) {
    super(`manifest references content the repository does not have: ${missing.join(", ")}`);
  }
}

export class RepositoryExistsError extends Error {
  constructor(readonly repository: string) {
    super(`repository ${repository} already exists`);
  }
}

export class RepositoryNotFoundError extends Error {
  constructor(readonly repository: string) {
    super(`repository ${repository} not found`);
  }
}
