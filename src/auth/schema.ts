// Schema of the auth SQLite database, as ordered migrations for `openDatabase`. It counts
// its steps in `PRAGMA user_version`, so it needs a database file of its own.
import type { Migration } from "../sqlite/open.js";

export const authMigrations: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        admin INTEGER NOT NULL CHECK (admin IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE access_keys (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        -- sha256 of the secret: the secret is shown once, at creation, and never stored.
        secret_hash BLOB NOT NULL UNIQUE,
        description TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;
      CREATE INDEX access_keys_user ON access_keys(user_name);
      CREATE TABLE policy_statements (
        id TEXT PRIMARY KEY,
        effect TEXT NOT NULL CHECK (effect IN ('allow', 'deny')),
        principal TEXT NOT NULL,
        actions TEXT NOT NULL, -- comma-separated
        repository TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- One-time facts about this data directory, such as "the first admin was created".
      CREATE TABLE auth_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `),
];
