// Opening an embedded SQLite database with the durability Skiff relies on, and applying
// its schema migrations in order (tracked by `PRAGMA user_version`).
import Database from "better-sqlite3";

export type Db = Database.Database;

/** One schema step; steps are applied in order, each in its own transaction. */
export type Migration = (db: Db) => void;

export interface OpenOptions {
  /** Schema steps; the database records how many have been applied. */
  migrations: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens `path` in WAL mode with `synchronous=FULL`, so an acknowledged transaction
 * survives `kill -9` and power loss, and readers never block the writer.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  const db = new Database(path, { readonly: options.readonly ?? false });
  db.pragma("busy_timeout = 5000");
  if (options.readonly) return db;
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  const applied = db.pragma("user_version", { simple: true }) as number;
  options.migrations.slice(applied).forEach((migrate, i) => {
    db.transaction(() => {
      migrate(db);
      db.pragma(`user_version = ${applied + i + 1}`);
    })();
  });
  return db;
}
