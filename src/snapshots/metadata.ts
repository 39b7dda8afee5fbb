// What the snapshotter knows, kept in SQLite so that a crash at any moment leaves a consistent
// record: a committed layer row is written only after its directory is complete and renamed
// into place, and removed before its directory is deleted. Directories are named by a numeric
// ID (short names keep long overlay lowerdir lists under the one-page mount option limit).
import { openDatabase, type Db, type Migration } from "../sqlite/open.js";

export interface LayerRecord {
  chainId: string;
  id: number;
  parent: string | undefined;
  diffId: string;
  /** Bytes of the uncompressed layer tar. */
  size: number;
}

export interface ActiveRecord {
  key: string;
  id: number;
  parent: string | undefined;
}

const migrations: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE id_seq (id INTEGER PRIMARY KEY AUTOINCREMENT);
      CREATE TABLE layers (
        chain_id TEXT PRIMARY KEY,
        id INTEGER NOT NULL UNIQUE,
        parent TEXT REFERENCES layers(chain_id),
        diff_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE actives (
        key TEXT PRIMARY KEY,
        id INTEGER NOT NULL UNIQUE,
        parent TEXT REFERENCES layers(chain_id),
        created_at TEXT NOT NULL
      );
    `);
  },
];

interface LayerRow {
  chain_id: string;
  id: number;
  parent: string | null;
  diff_id: string;
  size: number;
}
interface ActiveRow {
  key: string;
  id: number;
  parent: string | null;
}

const toLayer = (r: LayerRow): LayerRecord => ({
  chainId: r.chain_id,
  id: r.id,
  parent: r.parent ?? undefined,
  diffId: r.diff_id,
  size: r.size,
});
const toActive = (r: ActiveRow): ActiveRecord => ({ key: r.key, id: r.id, parent: r.parent ?? undefined });

export class SnapshotMetadata {
  readonly #db: Db;

  constructor(path: string) {
    this.#db = openDatabase(path, { migrations });
  }

  /** A fresh directory ID, never handed out before (even after deletes or crashes). */
  allocateId(): number {
    return Number(this.#db.prepare("INSERT INTO id_seq DEFAULT VALUES").run().lastInsertRowid);
  }

  layer(chainId: string): LayerRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM layers WHERE chain_id = ?").get(chainId) as
      LayerRow | undefined;
    return row && toLayer(row);
  }

  layers(): LayerRecord[] {
    return (this.#db.prepare("SELECT * FROM layers").all() as LayerRow[]).map(toLayer);
  }

  addLayer(l: LayerRecord): void {
    this.#db
      .prepare(
        "INSERT INTO layers (chain_id, id, parent, diff_id, size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(l.chainId, l.id, l.parent ?? null, l.diffId, l.size, new Date().toISOString());
  }

  /** Deletes a layer row; false when another layer or an active snapshot still names it as parent. */
  tryRemoveLayer(chainId: string): boolean {
    try {
      this.#db.prepare("DELETE FROM layers WHERE chain_id = ?").run(chainId);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") return false;
      throw err;
    }
  }

  active(key: string): ActiveRecord | undefined {
    const row = this.#db.prepare("SELECT key, id, parent FROM actives WHERE key = ?").get(key) as
      ActiveRow | undefined;
    return row && toActive(row);
  }

  actives(): ActiveRecord[] {
    return (this.#db.prepare("SELECT key, id, parent FROM actives").all() as ActiveRow[]).map(toActive);
  }

  /** Records a new active snapshot under a fresh ID, in one transaction; returns the ID. */
  createActive(key: string, parent: string | undefined): number {
    return this.#db.transaction(() => {
      const id = this.allocateId();
      this.addActive({ key, id, parent });
      return id;
    })();
  }

  addActive(a: ActiveRecord): void {
    this.#db
      .prepare("INSERT INTO actives (key, id, parent, created_at) VALUES (?, ?, ?, ?)")
      .run(a.key, a.id, a.parent ?? null, new Date().toISOString());
  }

  removeActive(key: string): void {
    this.#db.prepare("DELETE FROM actives WHERE key = ?").run(key);
  }

  close(): void {
    this.#db.close();
  }
}
