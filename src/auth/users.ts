// Users and their access keys, stored in the auth database (see schema.ts). A user is a name
// and an admin flag; an access key is a long-lived credential of one user, made of a public
// id and a secret that is returned once and stored only as a hash.
import type { Db } from "../sqlite/open.js";
import {
  hashSecret,
  looksLikeSecret,
  newAccessKeyId,
  newAccessKeySecret,
  secretMatches,
} from "./access-keys.js";
import { AccessKeyNotFoundError, InvalidNameError, UserExistsError, UserNotFoundError } from "./errors.js";

export { authMigrations } from "./schema.js";

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Policy statements use this word for "everyone", so no user may be called that.
const RESERVED_NAMES: ReadonlySet<string> = new Set(["anonymous"]);
// Recording every use would turn each authenticated read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;
const ADMIN_BOOTSTRAPPED = "admin-bootstrapped";

export function isValidUserName(name: string): boolean {
  return USER_NAME.test(name) && !RESERVED_NAMES.has(name);
}

export interface User {
  name: string;
  admin: boolean;
  createdAt: Date;
}

export interface AccessKey {
  id: string;
  user: string;
  description: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** A key as created: the only time its secret is known. */
export interface NewAccessKey {
  id: string;
  secret: string;
  user: string;
  description: string | null;
  createdAt: Date;
}

export type EnsureAdminResult = { created: true; user: User; key: NewAccessKey } | { created: false };

/** Which key a secret is presented for: a key id, or any key of a user. */
export type AccessKeyHolder = { id: string } | { user: string };

export interface UserStoreOptions {
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
}

interface UserRow {
  name: string;
  admin: number;
  created_at: number;
}

interface KeyRow {
  id: string;
  user_name: string;
  secret_hash: Buffer;
  description: string | null;
  created_at: number;
  last_used_at: number | null;
}

const KEY_COLUMNS = "id, user_name, secret_hash, description, created_at, last_used_at";

// Prepared once: key checks and user lookups run on every authenticated request.
function prepareQueries(db: Db) {
  return {
    insertUser: db.prepare<[string, number, number]>(
      "INSERT INTO users (name, admin, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    getUser: db.prepare<[string], UserRow>("SELECT name, admin, created_at FROM users WHERE name = ?"),
    listUsers: db.prepare<[], UserRow>("SELECT name, admin, created_at FROM users ORDER BY name"),
    deleteUser: db.prepare<[string]>("DELETE FROM users WHERE name = ?"),
    insertKey: db.prepare<[string, string, Buffer, string | null, number]>(
      "INSERT INTO access_keys (id, user_name, secret_hash, description, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    keyById: db.prepare<[string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM access_keys WHERE id = ?`),
    keyByHash: db.prepare<[Buffer], KeyRow>(`SELECT ${KEY_COLUMNS} FROM access_keys WHERE secret_hash = ?`),
    listKeys: db.prepare<[], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM access_keys ORDER BY user_name, created_at, rowid`,
    ),
    listUserKeys: db.prepare<[string], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM access_keys WHERE user_name = ? ORDER BY created_at, rowid`,
    ),
    deleteKey: db.prepare<[string]>("DELETE FROM access_keys WHERE id = ?"),
    touchKey: db.prepare<[number, string]>("UPDATE access_keys SET last_used_at = ? WHERE id = ?"),
    getState: db.prepare<[string], { value: string }>("SELECT value FROM auth_state WHERE key = ?"),
    setState: db.prepare<[string, string]>("INSERT INTO auth_state (key, value) VALUES (?, ?)"),
  };
}

/** Users and access keys over a database opened with `authMigrations`. */
export class UserStore {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #q: ReturnType<typeof prepareQueries>;

  constructor(db: Db, options: UserStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#q = prepareQueries(db);
  }

  /** Throws InvalidNameError or UserExistsError. */
  createUser(name: string, options: { admin?: boolean } = {}): User {
    if (!isValidUserName(name)) throw new InvalidNameError(name);
    const createdAt = this.#now();
    const inserted = this.#q.insertUser.run(name, options.admin ? 1 : 0, createdAt);
    if (inserted.changes === 0) throw new UserExistsError(name);
    return { name, admin: options.admin ?? false, createdAt: new Date(createdAt) };
  }

  getUser(name: string): User | undefined {
    const row = this.#q.getUser.get(name);
    return row && toUser(row);
  }

  listUsers(): User[] {
    return this.#q.listUsers.all().map(toUser);
  }

  /** Deletes the user and all its access keys. Throws UserNotFoundError. */
  deleteUser(name: string): void {
    const deleted = this.#q.deleteUser.run(name);
    if (deleted.changes === 0) throw new UserNotFoundError(name);
  }

  /** A new key for `user`; its secret is in the result and nowhere else. Throws UserNotFoundError. */
  createAccessKey(user: string, options: { description?: string } = {}): NewAccessKey {
    return this.#db.transaction(() => {
      if (!this.getUser(user)) throw new UserNotFoundError(user);
      return this.#insertKey(user, options.description ?? null);
    })();
  }

  /** Keys without their secrets, of one user (throws UserNotFoundError) or of everyone. */
  listAccessKeys(user?: string): AccessKey[] {
    if (user === undefined) return this.#q.listKeys.all().map(toAccessKey);
    return this.#db.transaction(() => {
      if (!this.getUser(user)) throw new UserNotFoundError(user);
      return this.#q.listUserKeys.all(user).map(toAccessKey);
    })();
  }

  /** Throws AccessKeyNotFoundError. */
  deleteAccessKey(id: string): void {
    const deleted = this.#q.deleteKey.run(id);
    if (deleted.changes === 0) throw new AccessKeyNotFoundError(id);
  }

  /**
   * The user owning the key that `secret` belongs to, when that key is the one `holder`
   * names (by id, or by being any key of that user); undefined otherwise. Records the use.
   */
  verifyAccessKey(holder: AccessKeyHolder, secret: string): string | undefined {
    if (!looksLikeSecret(secret)) return undefined;
    const row = "id" in holder ? this.#q.keyById.get(holder.id) : this.#q.keyByHash.get(hashSecret(secret));
    if (!row || !secretMatches(row.secret_hash, secret)) return undefined;
    if ("user" in holder && row.user_name !== holder.user) return undefined;
    this.#recordUse(row);
    return row.user_name;
  }

  /**
   * Creates the admin user `name` with a first access key, once in the life of the database:
   * later calls (and a call finding `name` already there) return `{ created: false }`, even if
   * that user was deleted since. Safe when several processes start together.
   */
  ensureAdmin(name = "skiff"): EnsureAdminResult {
    if (!isValidUserName(name)) throw new InvalidNameError(name);
    const bootstrap = this.#db.transaction((): EnsureAdminResult => {
      if (this.#q.getState.get(ADMIN_BOOTSTRAPPED)) return { created: false };
      this.#q.setState.run(ADMIN_BOOTSTRAPPED, new Date(this.#now()).toISOString());
      if (this.getUser(name)) return { created: false };
      const user = this.createUser(name, { admin: true });
      return { created: true, user, key: this.#insertKey(name, "created at first start") };
    });
    // IMMEDIATE takes the write lock before the check, so two first starts cannot both pass it.
    return bootstrap.immediate();
  }

  #insertKey(user: string, description: string | null): NewAccessKey {
    const id = newAccessKeyId();
    const secret = newAccessKeySecret();
    const createdAt = this.#now();
    this.#q.insertKey.run(id, user, hashSecret(secret), description, createdAt);
    return { id, secret, user, description, createdAt: new Date(createdAt) };
  }

  #recordUse(row: KeyRow): void {
    const now = this.#now();
    if (row.last_used_at !== null && now - row.last_used_at < LAST_USED_RESOLUTION_MS) return;
    try {
      this.#q.touchKey.run(now, row.id);
    } catch (error) {
      // Best effort: a read-only or momentarily locked database must not refuse a valid key.
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_BUSY")))
        return;
      throw error;
    }
  }
}

function toUser(row: UserRow): User {
  return { name: row.name, admin: row.admin === 1, createdAt: new Date(row.created_at) };
}

function toAccessKey(row: KeyRow): AccessKey {
  return {
    id: row.id,
    user: row.user_name,
    description: row.description,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  };
}
