// The image index in SQLite: one row per image (keyed by its config digest, with the config
// and layer list inline so lookups stay synchronous) and one row per name pointing at an
// image. Names are stored fully qualified: `docker.io/library/busybox:latest`,
// `127.0.0.1:5000/app@sha256:…`. Blobs themselves live in the content store.
import type { Digest } from "../oci/digest.js";
import type { ImageConfig } from "../oci/image-config.js";
import { openDatabase, type Db, type Migration } from "../sqlite/open.js";

export interface ImageLayer {
  digest: Digest;
  mediaType: string;
  size: number;
  diffId: Digest;
}

export interface ImageRecord {
  id: Digest;
  manifestDigest: Digest;
  manifestMediaType: string;
  config: ImageConfig;
  layers: ImageLayer[];
  /** Every blob the image holds on to: manifest, config, layers, and the index it was pulled through. */
  blobs: Digest[];
  /** When the image arrived here (ms since the epoch). */
  addedAt: number;
}

const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        manifest_digest TEXT NOT NULL,
        manifest_media_type TEXT NOT NULL,
        config TEXT NOT NULL,
        layers TEXT NOT NULL,
        blobs TEXT NOT NULL,
        added_at INTEGER NOT NULL
      );
      CREATE TABLE names (
        name TEXT PRIMARY KEY,
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        added_at INTEGER NOT NULL
      );
      CREATE INDEX names_by_image ON names(image_id);
    `);
  },
];

interface ImageRow {
  id: string;
  manifest_digest: string;
  manifest_media_type: string;
  config: string;
  layers: string;
  blobs: string;
  added_at: number;
}

export class ImageDb {
  readonly #db: Db;

  constructor(path: string) {
    this.#db = openDatabase(path, { migrations: MIGRATIONS });
  }

  get(id: Digest): ImageRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM images WHERE id = ?").get(id) as ImageRow | undefined;
    return row && toRecord(row);
  }

  all(): ImageRecord[] {
    const rows = this.#db.prepare("SELECT * FROM images ORDER BY added_at DESC").all() as ImageRow[];
    return rows.map(toRecord);
  }

  /** IDs whose hex starts with `hexPrefix`. */
  idsWithPrefix(hexPrefix: string): Digest[] {
    const rows = this.#db
      .prepare("SELECT id FROM images WHERE substr(id, 8, ?) = ?")
      .all(hexPrefix.length, hexPrefix) as Array<{ id: string }>;
    return rows.map((r) => r.id as Digest);
  }

  /** The image a fully qualified name points at. */
  resolveName(name: string): Digest | undefined {
    const row = this.#db.prepare("SELECT image_id FROM names WHERE name = ?").get(name) as
      { image_id: string } | undefined;
    return row?.image_id as Digest | undefined;
  }

  // Names come in the order they were given (by time; rowid breaks ties within a millisecond:
  // a tag made right after an import would otherwise sort by name, a test flaked on that).
  namesOf(id: Digest): string[] {
    const rows = this.#db
      .prepare("SELECT name FROM names WHERE image_id = ? ORDER BY added_at, rowid")
      .all(id) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  /** All names, by image. */
  allNames(): Map<Digest, string[]> {
    const rows = this.#db
      .prepare("SELECT name, image_id FROM names ORDER BY added_at, rowid")
      .all() as Array<{
      name: string;
      image_id: string;
    }>;
    const out = new Map<Digest, string[]>();
    for (const r of rows) {
      const list = out.get(r.image_id as Digest) ?? [];
      list.push(r.name);
      out.set(r.image_id as Digest, list);
    }
    return out;
  }

  /** Adds (or refreshes) an image and points `names` at it, in one transaction. */
  put(record: ImageRecord, names: readonly string[]): void {
    this.#db.transaction(() => {
      const existing = this.get(record.id);
      this.#db
        .prepare(
          `INSERT INTO images (id, manifest_digest, manifest_media_type, config, layers, blobs, added_at)
           VALUES (@id, @manifest_digest, @manifest_media_type, @config, @layers, @blobs, @added_at)
           ON CONFLICT(id) DO UPDATE SET manifest_digest = excluded.manifest_digest,
             manifest_media_type = excluded.manifest_media_type, layers = excluded.layers, blobs = excluded.blobs`,
        )
        .run({
          id: record.id,
          manifest_digest: record.manifestDigest,
          manifest_media_type: record.manifestMediaType,
          config: JSON.stringify(record.config),
          layers: JSON.stringify(record.layers),
          // Blobs only accumulate: an image pulled through two indexes holds on to both.
          blobs: JSON.stringify([...new Set([...(existing?.blobs ?? []), ...record.blobs])]),
          added_at: existing?.addedAt ?? record.addedAt,
        });
      for (const name of names) this.#setName(name, record.id);
    })();
  }

  setName(name: string, id: Digest): void {
    this.#setName(name, id);
  }

  #setName(name: string, id: Digest): void {
    this.#db
      .prepare(
        `INSERT INTO names (name, image_id, added_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id, added_at = excluded.added_at
         WHERE names.image_id != excluded.image_id`,
      )
      .run(name, id, Date.now());
  }

  deleteName(name: string): void {
    this.#db.prepare("DELETE FROM names WHERE name = ?").run(name);
  }

  /** Deletes the image and its names. */
  delete(id: Digest): void {
    this.#db.prepare("DELETE FROM images WHERE id = ?").run(id);
  }

  /** Every blob some image still holds on to. */
  blobsInUse(): Set<Digest> {
    const rows = this.#db.prepare("SELECT blobs FROM images").all() as Array<{ blobs: string }>;
    return new Set(rows.flatMap((r) => JSON.parse(r.blobs) as Digest[]));
  }

  close(): void {
    this.#db.close();
  }
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id as Digest,
    manifestDigest: row.manifest_digest as Digest,
    manifestMediaType: row.manifest_media_type,
    config: JSON.parse(row.config) as ImageConfig,
    layers: JSON.parse(row.layers) as ImageLayer[],
    blobs: JSON.parse(row.blobs) as Digest[],
    addedAt: row.added_at,
  };
}
