// Schema of the registry's SQLite metadata, as ordered migrations.
import type { Migration } from "../sqlite/open.js";

export const registryMigrations: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE repositories (
        name TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        tag_mutability TEXT NOT NULL DEFAULT 'MUTABLE',
        mutability_exclusions TEXT NOT NULL DEFAULT '[]'
      );
      -- A blob is visible in a repository only through a link (upload, mount or manifest).
      CREATE TABLE blob_links (
        repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        linked_at INTEGER NOT NULL,
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX blob_links_digest ON blob_links(digest);
      CREATE TABLE manifests (
        repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        artifact_type TEXT,
        subject TEXT,
        annotations TEXT,
        pushed_at INTEGER NOT NULL,
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX manifests_subject ON manifests(repository, subject) WHERE subject IS NOT NULL;
      -- What each manifest references: kind 'blob' (config, layers) or 'manifest' (index entries).
      CREATE TABLE manifest_refs (
        repository TEXT NOT NULL,
        digest TEXT NOT NULL,
        child TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('blob', 'manifest')),
        PRIMARY KEY (repository, digest, kind, child),
        FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
      );
      CREATE INDEX manifest_refs_child ON manifest_refs(child);
      CREATE TABLE tags (
        repository TEXT NOT NULL,
        tag TEXT NOT NULL,
        digest TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repository, tag),
        FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
      );
      CREATE INDEX tags_digest ON tags(repository, digest);
      CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        repository TEXT NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
        started_at INTEGER NOT NULL
      );
    `),
  (db) =>
    db.exec(`
      CREATE TABLE lifecycle_policies (
        repository TEXT PRIMARY KEY REFERENCES repositories(name) ON DELETE CASCADE,
        policy TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `),
];
