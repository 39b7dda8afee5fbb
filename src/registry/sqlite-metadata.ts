// RegistryMetadata on the embedded SQLite database. Every mutation is one transaction,
// so a `kill -9` leaves either all of a manifest push (record, references, tag) or none.
import type { Digest } from "../oci/digest.js";
import type { Db } from "../sqlite/open.js";
import {
  MissingReferencesError,
  RepositoryExistsError,
  RepositoryNotFoundError,
  type BlobLink,
  type ImageRecord,
  type ManifestRecord,
  type Page,
  type PutManifestRequest,
  type RegistryMetadata,
  type RepositoryRecord,
  type UploadRecord,
} from "./metadata.js";
import type { TagMutability, TagMutabilitySettings } from "./tag-mutability.js";

interface RepositoryRow {
  name: string;
  created_at: number;
  tag_mutability: string;
  mutability_exclusions: string;
}

interface ManifestRow {
  repository: string;
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  subject: string | null;
  annotations: string | null;
  pushed_at: number;
}

function toRepository(row: RepositoryRow): RepositoryRecord {
  return {
    name: row.name,
    createdAt: new Date(row.created_at),
    tagMutability: row.tag_mutability as TagMutability,
    mutabilityExclusions: JSON.parse(row.mutability_exclusions) as string[],
  };
}

function toManifest(row: ManifestRow): ManifestRecord {
  const record: ManifestRecord = {
    repository: row.repository,
    digest: row.digest as Digest,
    mediaType: row.media_type,
    size: row.size,
    pushedAt: new Date(row.pushed_at),
  };
  if (row.artifact_type !== null) record.artifactType = row.artifact_type;
  if (row.subject !== null) record.subject = row.subject as Digest;
  if (row.annotations !== null) record.annotations = JSON.parse(row.annotations) as Record<string, string>;
  return record;
}

const MAX_PAGE = 10_000;

export class SqliteRegistryMetadata implements RegistryMetadata {
  readonly #db: Db;
  readonly #now: () => number;
  // Statements on the hot read path are prepared once.
  readonly #resolveTag;
  readonly #getManifest;
  readonly #getLink;
  readonly #getRepository;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#resolveTag = db.prepare<[string, string], { digest: string }>(
      "SELECT digest FROM tags WHERE repository = ? AND tag = ?",
    );
    this.#getManifest = db.prepare<[string, string], ManifestRow>(
      "SELECT * FROM manifests WHERE repository = ? AND digest = ?",
    );
    this.#getLink = db.prepare<[string, string], { digest: string; size: number; linked_at: number }>(
      "SELECT digest, size, linked_at FROM blob_links WHERE repository = ? AND digest = ?",
    );
    this.#getRepository = db.prepare<[string], RepositoryRow>("SELECT * FROM repositories WHERE name = ?");
  }

  getRepository(name: string): RepositoryRecord | undefined {
    const row = this.#getRepository.get(name);
    return row && toRepository(row);
  }

  ensureRepository(name: string): RepositoryRecord {
    const existing = this.getRepository(name);
    if (existing) return existing;
    this.#db
      .prepare("INSERT OR IGNORE INTO repositories (name, created_at) VALUES (?, ?)")
      .run(name, this.#now());
    return this.getRepository(name)!;
  }

  createRepository(name: string, settings: TagMutabilitySettings): RepositoryRecord {
    const result = this.#db
      .prepare(
        `INSERT OR IGNORE INTO repositories (name, created_at, tag_mutability, mutability_exclusions)
         VALUES (?, ?, ?, ?)`,
      )
      .run(name, this.#now(), settings.tagMutability, JSON.stringify(settings.mutabilityExclusions));
    if (result.changes === 0) throw new RepositoryExistsError(name);
    return this.getRepository(name)!;
  }

  updateRepository(name: string, settings: TagMutabilitySettings): RepositoryRecord {
    const result = this.#db
      .prepare("UPDATE repositories SET tag_mutability = ?, mutability_exclusions = ? WHERE name = ?")
      .run(settings.tagMutability, JSON.stringify(settings.mutabilityExclusions), name);
    if (result.changes === 0) throw new RepositoryNotFoundError(name);
    return this.getRepository(name)!;
  }

  deleteRepository(name: string): boolean {
    return this.#db.prepare("DELETE FROM repositories WHERE name = ?").run(name).changes > 0;
  }

  listRepositories(page: Page = {}): string[] {
    return this.#db
      .prepare<[string, number], { name: string }>(
        "SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?",
      )
      .all(page.last ?? "", Math.min(page.n ?? MAX_PAGE, MAX_PAGE))
      .map((r) => r.name);
  }

  linkBlob(repository: string, digest: Digest, size: number, options?: { finishedUpload?: string }): void {
    this.#db.transaction(() => {
      this.ensureRepository(repository);
      this.#db
        .prepare(
          `INSERT INTO blob_links (repository, digest, size, linked_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (repository, digest) DO UPDATE SET linked_at = excluded.linked_at`,
        )
        .run(repository, digest, size, this.#now());
      if (options?.finishedUpload !== undefined) this.deleteUpload(options.finishedUpload);
    })();
  }

  touchBlobLink(repository: string, digest: Digest): void {
    this.#db
      .prepare("UPDATE blob_links SET linked_at = ? WHERE repository = ? AND digest = ?")
      .run(this.#now(), repository, digest);
  }

  getBlobLink(repository: string, digest: Digest): BlobLink | undefined {
    const row = this.#getLink.get(repository, digest);
    return row && { digest: row.digest as Digest, size: row.size, linkedAt: new Date(row.linked_at) };
  }

  findBlob(digest: Digest): { size: number } | undefined {
    return this.#db
      .prepare<[string], { size: number }>("SELECT size FROM blob_links WHERE digest = ? LIMIT 1")
      .get(digest);
  }

  unlinkBlob(repository: string, digest: Digest): boolean {
    return (
      this.#db.prepare("DELETE FROM blob_links WHERE repository = ? AND digest = ?").run(repository, digest)
        .changes > 0
    );
  }

  putManifest(request: PutManifestRequest): void {
    const { record, tag } = request;
    const db = this.#db;
    db.transaction(() => {
      const repository = this.ensureRepository(record.repository);
      const missing = [
        ...request.blobs.filter((d) => !this.#getLink.get(record.repository, d)),
        ...request.manifests.filter((d) => !this.#getManifest.get(record.repository, d)),
      ];
      if (missing.length > 0) throw new MissingReferencesError([...new Set(missing)]);
      if (tag !== undefined) {
        const current = this.#resolveTag.get(record.repository, tag)?.digest as Digest | undefined;
        request.checkTagMove?.(repository, tag, current);
      }
      const now = this.#now();
      // A re-push of the same manifest keeps its original push time.
      db.prepare(
        `INSERT OR IGNORE INTO manifests
           (repository, digest, media_type, size, artifact_type, subject, annotations, pushed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        record.repository,
        record.digest,
        record.mediaType,
        record.size,
        record.artifactType ?? null,
        record.subject ?? null,
        record.annotations ? JSON.stringify(record.annotations) : null,
        record.pushedAt.getTime(),
      );
      const addRef = db.prepare(
        "INSERT OR IGNORE INTO manifest_refs (repository, digest, child, kind) VALUES (?, ?, ?, ?)",
      );
      for (const child of request.blobs) addRef.run(record.repository, record.digest, child, "blob");
      for (const child of request.manifests) addRef.run(record.repository, record.digest, child, "manifest");
      this.linkBlob(record.repository, record.digest, record.size);
      if (tag !== undefined) {
        db.prepare(
          `INSERT INTO tags (repository, tag, digest, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (repository, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
        ).run(record.repository, tag, record.digest, now);
      }
    })();
  }

  getManifest(repository: string, digest: Digest): ManifestRecord | undefined {
    const row = this.#getManifest.get(repository, digest);
    return row && toManifest(row);
  }

  resolveTag(repository: string, tag: string): Digest | undefined {
    return this.#resolveTag.get(repository, tag)?.digest as Digest | undefined;
  }

  deleteManifest(repository: string, digest: Digest): Digest[] {
    const db = this.#db;
    return db.transaction(() => {
      if (!this.#getManifest.get(repository, digest)) return [];
      const children = db
        .prepare<[string, string], { child: string }>(
          "SELECT child FROM manifest_refs WHERE repository = ? AND digest = ? AND kind = 'manifest'",
        )
        .all(repository, digest)
        .map((r) => r.child as Digest);
      db.prepare("DELETE FROM manifests WHERE repository = ? AND digest = ?").run(repository, digest);
      const deleted: Digest[] = [digest];
      const stillUsed = db.prepare<[string, string, string, string], { one: number }>(
        `SELECT 1 AS one FROM tags WHERE repository = ? AND digest = ?
         UNION ALL SELECT 1 FROM manifest_refs WHERE repository = ? AND child = ? AND kind = 'manifest' LIMIT 1`,
      );
      for (const child of children) {
        if (stillUsed.get(repository, child, repository, child)) continue;
        deleted.push(...this.deleteManifest(repository, child));
      }
      return deleted;
    })();
  }

  deleteTag(repository: string, tag: string): boolean {
    return (
      this.#db.prepare("DELETE FROM tags WHERE repository = ? AND tag = ?").run(repository, tag).changes > 0
    );
  }

  listTags(repository: string, page: Page = {}): string[] {
    return this.#db
      .prepare<[string, string, number], { tag: string }>(
        "SELECT tag FROM tags WHERE repository = ? AND tag > ? ORDER BY tag LIMIT ?",
      )
      .all(repository, page.last ?? "", Math.min(page.n ?? MAX_PAGE, MAX_PAGE))
      .map((r) => r.tag);
  }

  listImages(repository: string): ImageRecord[] {
    const db = this.#db;
    const rows = db
      .prepare<[string], ManifestRow>("SELECT * FROM manifests WHERE repository = ? ORDER BY pushed_at DESC")
      .all(repository);
    const tagsOf = db.prepare<[string, string], { tag: string }>(
      "SELECT tag FROM tags WHERE repository = ? AND digest = ? ORDER BY tag",
    );
    const isChild = db.prepare<[string, string], { one: number }>(
      "SELECT 1 AS one FROM manifest_refs WHERE repository = ? AND child = ? AND kind = 'manifest' LIMIT 1",
    );
    // Distinct blobs reachable from a manifest through its index entries, plus the manifests themselves.
    // Named parameters: better-sqlite3 treats numbered ones (?1) as named and refuses positional values.
    const size = db.prepare<[{ repository: string; digest: string }], { total: number | null }>(
      `WITH RECURSIVE reach(digest) AS (
         SELECT @digest
         UNION SELECT r.child FROM manifest_refs r JOIN reach ON r.digest = reach.digest
           WHERE r.repository = @repository AND r.kind = 'manifest'
       ),
       content(digest) AS (
         SELECT digest FROM reach
         UNION SELECT r.child FROM manifest_refs r JOIN reach ON r.digest = reach.digest
           WHERE r.repository = @repository AND r.kind = 'blob'
       )
       SELECT SUM(l.size) AS total FROM content c JOIN blob_links l ON l.digest = c.digest AND l.repository = @repository`,
    );
    return rows.map((row) => ({
      ...toManifest(row),
      tags: tagsOf.all(repository, row.digest).map((t) => t.tag),
      isChild: isChild.get(repository, row.digest) !== undefined,
      totalSize: size.get({ repository, digest: row.digest })?.total ?? row.size,
    }));
  }

  referrers(repository: string, subject: Digest): ManifestRecord[] {
    return this.#db
      .prepare<[string, string], ManifestRow>(
        "SELECT * FROM manifests WHERE repository = ? AND subject = ? ORDER BY pushed_at, digest",
      )
      .all(repository, subject)
      .map(toManifest);
  }

  createUpload(upload: UploadRecord): void {
    this.#db.transaction(() => {
      this.ensureRepository(upload.repository);
      this.#db
        .prepare("INSERT INTO uploads (id, repository, started_at) VALUES (?, ?, ?)")
        .run(upload.id, upload.repository, upload.startedAt.getTime());
    })();
  }

  getUpload(id: string): UploadRecord | undefined {
    const row = this.#db
      .prepare<[string], { id: string; repository: string; started_at: number }>(
        "SELECT * FROM uploads WHERE id = ?",
      )
      .get(id);
    return row && { id: row.id, repository: row.repository, startedAt: new Date(row.started_at) };
  }

  deleteUpload(id: string): void {
    this.#db.prepare("DELETE FROM uploads WHERE id = ?").run(id);
  }

  listUploads(): UploadRecord[] {
    return this.#db
      .prepare<[], { id: string; repository: string; started_at: number }>("SELECT * FROM uploads")
      .all()
      .map((r) => ({ id: r.id, repository: r.repository, startedAt: new Date(r.started_at) }));
  }

  getLifecyclePolicy(repository: string): string | undefined {
    return this.#db
      .prepare<[string], { policy: string }>("SELECT policy FROM lifecycle_policies WHERE repository = ?")
      .get(repository)?.policy;
  }

  setLifecyclePolicy(repository: string, policy: string | undefined): boolean {
    if (!this.getRepository(repository)) return false;
    if (policy === undefined) {
      this.#db.prepare("DELETE FROM lifecycle_policies WHERE repository = ?").run(repository);
    } else {
      this.#db
        .prepare(
          `INSERT INTO lifecycle_policies (repository, policy, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (repository) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
        )
        .run(repository, policy, this.#now());
    }
    return true;
  }

  repositoriesWithLifecyclePolicy(): string[] {
    return this.#db
      .prepare<[], { repository: string }>("SELECT repository FROM lifecycle_policies ORDER BY repository")
      .all()
      .map((r) => r.repository);
  }

  unreferencedBlobs(cutoff: Date): Digest[] {
    return this.#db
      .prepare<[number], { digest: string }>(
        `SELECT digest FROM blob_links GROUP BY digest
         HAVING MAX(linked_at) < ?
           AND NOT EXISTS (SELECT 1 FROM manifest_refs r WHERE r.child = blob_links.digest AND r.kind = 'blob')
           AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.digest = blob_links.digest)`,
      )
      .all(cutoff.getTime())
      .map((r) => r.digest as Digest);
  }

  forgetBlobIfUnreferenced(digest: Digest, cutoff: Date): boolean {
    const db = this.#db;
    return db.transaction(() => {
      const used = db
        .prepare<[string, string, string, number], { one: number }>(
          `SELECT 1 AS one FROM manifest_refs WHERE child = ? AND kind = 'blob'
           UNION ALL SELECT 1 FROM manifests WHERE digest = ?
           UNION ALL SELECT 1 FROM blob_links WHERE digest = ? AND linked_at >= ? LIMIT 1`,
        )
        .get(digest, digest, digest, cutoff.getTime());
      if (used) return false;
      db.prepare("DELETE FROM blob_links WHERE digest = ?").run(digest);
      return true;
    })();
  }

  isBlobKnown(digest: Digest): boolean {
    return (
      this.#db
        .prepare<[string, string], { one: number }>(
          `SELECT 1 AS one FROM blob_links WHERE digest = ?
           UNION ALL SELECT 1 FROM manifest_refs WHERE child = ? LIMIT 1`,
        )
        .get(digest, digest) !== undefined
    );
  }

  close(): void {
    this.#db.close();
  }
}
