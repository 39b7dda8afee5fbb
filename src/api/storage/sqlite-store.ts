// The embedded backend of the cluster API's storage: one SQLite file holding the current keys
// (`kv`) and a log of every change (`log`, one row per revision) from which watches replay and
// lists read at an older revision, as etcd's MVCC history does (and as k3s' kine does over SQL).
// better-sqlite3 is synchronous, so a write, its commit and the hand-off of its event to the
// watchers happen in one turn of the event loop: watchers see changes exactly once and in order,
// and a watch that registers after its replay can miss nothing in between.
import { join } from "node:path";
import { openDatabase, type Db, type Migration } from "../../sqlite/open.js";
import { CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import {
  prefixEnd,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type StoredObject,
} from "./store.js";

const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        create_rev INTEGER NOT NULL,
        mod_rev INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE log (
        rev INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        value BLOB,
        create_rev INTEGER NOT NULL,
        prev_value BLOB,
        prev_create_rev INTEGER,
        prev_mod_rev INTEGER,
        at INTEGER NOT NULL
      );
      CREATE INDEX log_key_rev ON log (key, rev);
      CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta (name, value) VALUES ('compacted', 0);
    `);
  },
  // Compaction looks up the newest change older than the minimum age; without an index that
  // is a scan of the whole log (millions of rows after minutes of heavy writing).
  (db) => db.exec("CREATE INDEX log_at ON log (at)"),
];

export interface SqliteStoreOptions {
  /** Revisions of history kept for watches and paginated lists (default 10,000). */
  historyRevisions?: number;
  /** History younger than this is kept whatever its size (default 5 minutes). */
  historyMinAgeMs?: number;
  /** How often compaction runs (default 60 s; 0: only when compact() is called). */
  compactEveryMs?: number;
  /** Events a watcher may fall behind before it is ended (default 50,000). */
  watcherQueueLimit?: number;
  now?: () => number;
}

interface KvRow {
  key: string;
  value: Buffer;
  create_rev: number;
  mod_rev: number;
}

interface LogRow {
  rev: number;
  key: string;
  deleted: number;
  value: Buffer | null;
  create_rev: number;
  prev_value: Buffer | null;
}

type Apply = (old: KvRow | undefined, rev: number) => StoredObject | undefined;

interface PendingWrite {
  key: string;
  apply: Apply;
  resolve: (o: StoredObject) => void;
  reject: (e: unknown) => void;
}

const STORE_ERRORS = new Set(["KeyExistsError", "KeyNotFoundError", "RevisionMismatchError"]);

interface Watcher {
  lo: string;
  hi: string;
  queue: EventQueue<StoreEvent>;
}

const toStored = (r: KvRow): StoredObject => ({
  key: r.key,
  value: r.value,
  createRevision: r.create_rev,
  modRevision: r.mod_rev,
});

function toEvent(r: LogRow): StoreEvent {
  if (r.deleted) {
    return { type: "delete", key: r.key, prevValue: r.prev_value as Buffer, modRevision: r.rev };
  }
  return {
    type: "put",
    key: r.key,
    value: r.value as Buffer,
    ...(r.prev_value !== null && { prevValue: r.prev_value }),
    createRevision: r.create_rev,
    modRevision: r.rev,
  };
}

export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #o: Required<SqliteStoreOptions>;
  readonly #watchers = new Set<Watcher>();
  readonly #timer: NodeJS.Timeout | undefined;
  #revision: number;
  #compacted: number;
  #batch: PendingWrite[] = [];
  readonly #q;

  /** Opens (creating if needed) `<dir>/state.db`. */
  static open(dir: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(openDatabase(join(dir, "state.db"), { migrations: MIGRATIONS }), options);
  }

  private constructor(db: Db, options: SqliteStoreOptions) {
    this.#db = db;
    this.#o = {
      historyRevisions: options.historyRevisions ?? 10_000,
      historyMinAgeMs: options.historyMinAgeMs ?? 5 * 60_000,
      compactEveryMs: options.compactEveryMs ?? 60_000,
      watcherQueueLimit: options.watcherQueueLimit ?? 50_000,
      now: options.now ?? Date.now,
    };
    this.#q = {
      get: db.prepare<[string], KvRow>("SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?"),
      insertKv: db.prepare("INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)"),
      updateKv: db.prepare("UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?"),
      deleteKv: db.prepare("DELETE FROM kv WHERE key = ?"),
      insertLog: db.prepare(
        `INSERT INTO log (rev, key, deleted, value, create_rev, prev_value, prev_create_rev, prev_mod_rev, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listNow: db.prepare<[string, string, string, number], KvRow>(
        `SELECT key, value, create_rev, mod_rev FROM kv
         WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?`,
      ),
      countNow: db.prepare<[string, string, string], { n: number }>(
        "SELECT count(*) AS n FROM kv WHERE key >= ? AND key < ? AND key > ?",
      ),
      // The state at revision R: keys unchanged since R, plus, for keys changed after R, the
      // value their first later change replaced (if they existed at R).
      listAt: db.prepare<Record<string, string | number>, KvRow>(`
        SELECT key, value, create_rev, mod_rev FROM (
          SELECT key, value, create_rev, mod_rev FROM kv
           WHERE key >= $lo AND key < $hi AND key > $after AND mod_rev <= $rev
          UNION ALL
          SELECT l.key, l.prev_value, l.prev_create_rev, l.prev_mod_rev FROM log l
           WHERE l.key >= $lo AND l.key < $hi AND l.key > $after AND l.rev > $rev
             AND l.prev_value IS NOT NULL
             AND l.rev = (SELECT min(l2.rev) FROM log l2 WHERE l2.key = l.key AND l2.rev > $rev)
        ) ORDER BY key LIMIT $limit`),
      replay: db.prepare<[number, string, string], LogRow>(
        `SELECT rev, key, deleted, value, create_rev, prev_value FROM log
         WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev`,
      ),
      compactTo: db.prepare("DELETE FROM log WHERE rev <= ?"),
      setCompacted: db.prepare("UPDATE meta SET value = ? WHERE name = 'compacted'"),
      // `at` grows with `rev`: the last old-enough entry in `at` order, found in the index.
      revisionBefore: db.prepare<[number], { rev: number }>(
        "SELECT rev FROM log WHERE at <= ? ORDER BY at DESC, rev DESC LIMIT 1",
      ),
    };
    this.#compacted =
      (db.prepare("SELECT value FROM meta WHERE name = 'compacted'").pluck().get() as number) ?? 0;
    const last = db.prepare("SELECT max(rev) FROM log").pluck().get() as number | null;
    this.#revision = Math.max(last ?? 0, this.#compacted);
    if (this.#o.compactEveryMs > 0) {
      this.#timer = setInterval(() => this.compact(), this.#o.compactEveryMs);
      this.#timer.unref();
    }
  }

  async currentRevision(): Promise<number> {
    return this.#revision;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const row = this.#q.get.get(key);
    return row && toStored(row);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const lo = prefix;
    const hi = prefixEnd(prefix);
    const after = opts.startAfter ?? "";
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : -1;
    const fetch = limit > 0 ? limit + 1 : -1;
    const rev = opts.revision;
    if (rev !== undefined && rev < this.#revision) {
      if (rev < this.#compacted) throw new CompactedError(rev, this.#compacted);
      // One read transaction: the page and the count see the same state.
      return this.#db.transaction(() => {
        const rows = this.#q.listAt.all({ lo, hi, after, rev, limit: fetch });
        const page = limit > 0 ? rows.slice(0, limit) : rows;
        const more = rows.length > page.length;
        const remaining =
          more && opts.count !== false
            ? this.#q.listAt.all({ lo, hi, after: page[page.length - 1]?.key ?? after, rev, limit: -1 })
                .length
            : 0;
        return { items: page.map(toStored), revision: rev, more, remaining };
      })();
    }
    const rows = this.#q.listNow.all(lo, hi, after, fetch);
    const page = limit > 0 ? rows.slice(0, limit) : rows;
    const more = rows.length > page.length;
    const remaining =
      more && opts.count !== false
        ? (this.#q.countNow.get(lo, hi, page[page.length - 1]?.key ?? after)?.n ?? 0)
        : 0;
    return { items: page.map(toStored), revision: this.#revision, more, remaining };
  }

  async create(key: string, value: Buffer): Promise<StoredObject> {
    return this.#write(key, (old, rev) => {
      if (old) throw new KeyExistsError(key);
      this.#q.insertKv.run(key, value, rev, rev);
      return { key, value, createRevision: rev, modRevision: rev };
    });
  }

  async update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject> {
    return this.#write(key, (old, rev) => {
      if (!old) throw new KeyNotFoundError(key);
      if (old.mod_rev !== expectModRevision) throw new RevisionMismatchError(key, toStored(old));
      this.#q.updateKv.run(value, rev, key);
      return { key, value, createRevision: old.create_rev, modRevision: rev };
    });
  }

  async delete(key: string, expectModRevision?: number): Promise<StoredObject> {
    return this.#write(key, (old) => {
      if (!old) throw new KeyNotFoundError(key);
      if (expectModRevision !== undefined && old.mod_rev !== expectModRevision) {
        throw new RevisionMismatchError(key, toStored(old));
      }
      this.#q.deleteKv.run(key);
      return undefined;
    });
  }

  /**
   * Queues one write: `apply` changes `kv` for its revision (returning undefined: a delete).
   * Writes queued in the same turn of the event loop commit together in one transaction (group
   * commit: one fsync for many concurrent requests); each is acknowledged only after that
   * commit, and the watchers then get the events in revision order.
   */
  #write(key: string, apply: Apply): Promise<StoredObject> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ key, apply, resolve, reject });
      if (this.#batch.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (!this.#db.open) {
      for (const op of batch) op.reject(new Error("the store is closed"));
      return;
    }
    let rev = this.#revision;
    const outcomes: Array<{ result: StoredObject; event: StoreEvent } | { error: unknown }> = [];
    try {
      this.#db.transaction(() => {
        const at = this.#o.now();
        for (const op of batch) {
          try {
            outcomes.push(this.#applyOne(op, rev + 1, at));
            rev += 1;
          } catch (error) {
            // A refused write (exists, not found, stale revision) changed nothing; the others go on.
            if (!(error instanceof Error) || !STORE_ERRORS.has(error.name)) throw error;
            outcomes.push({ error });
          }
        }
      })();
    } catch (error) {
      for (const op of batch) op.reject(error);
      return;
    }
    this.#revision = rev;
    batch.forEach((op, i) => {
      const outcome = outcomes[i] as (typeof outcomes)[number];
      if ("error" in outcome) {
        op.reject(outcome.error);
        return;
      }
      for (const w of this.#watchers) if (op.key >= w.lo && op.key < w.hi) w.queue.push(outcome.event);
      op.resolve(outcome.result);
    });
  }

  #applyOne(op: PendingWrite, rev: number, at: number): { result: StoredObject; event: StoreEvent } {
    const { key } = op;
    const old = this.#q.get.get(key);
    const written = op.apply(old, rev);
    if (written) {
      this.#q.insertLog.run(
        rev,
        key,
        0,
        written.value,
        written.createRevision,
        old?.value ?? null,
        old?.create_rev ?? null,
        old?.mod_rev ?? null,
        at,
      );
      const event: StoreEvent = {
        type: "put",
        key,
        value: written.value,
        ...(old && { prevValue: old.value }),
        createRevision: written.createRevision,
        modRevision: rev,
      };
      return { result: written, event };
    }
    const gone = old as KvRow;
    this.#q.insertLog.run(rev, key, 1, null, gone.create_rev, gone.value, gone.create_rev, gone.mod_rev, at);
    return {
      result: toStored(gone),
      event: { type: "delete", key, prevValue: gone.value, modRevision: rev },
    };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    const queue = new EventQueue<StoreEvent>({
      limit: this.#o.watcherQueueLimit,
      overflow: () => new CompactedError(afterRevision, this.#revision),
    });
    if (afterRevision < this.#compacted) {
      queue.fail(new CompactedError(afterRevision, this.#compacted));
      return queue;
    }
    const watcher: Watcher = { lo: prefix, hi: prefixEnd(prefix), queue };
    // Replay and registration in the same synchronous turn: no write can fall between them.
    for (const row of this.#q.replay.iterate(afterRevision, watcher.lo, watcher.hi)) queue.push(toEvent(row));
    if (signal.aborted) {
      queue.end();
      return queue;
    }
    this.#watchers.add(watcher);
    const onAbort = (): void => queue.end();
    signal.addEventListener("abort", onAbort, { once: true });
    // However the watch ends (abort, overflow, the reader leaving, close), stop feeding it.
    queue.onEnd(() => {
      this.#watchers.delete(watcher);
      signal.removeEventListener("abort", onAbort);
    });
    return queue;
  }

  /**
   * Drops history older than both the last `historyRevisions` revisions and `historyMinAgeMs`;
   * the newest change is always kept. Returns the revision history now starts after.
   */
  compact(): number {
    const byCount = this.#revision - this.#o.historyRevisions;
    const byAge = this.#q.revisionBefore.get(this.#o.now() - this.#o.historyMinAgeMs)?.rev ?? 0;
    const target = Math.min(byCount, byAge, this.#revision - 1);
    if (target <= this.#compacted) return this.#compacted;
    this.#db.transaction(() => {
      this.#q.compactTo.run(target);
      this.#q.setCompacted.run(target);
    })();
    this.#compacted = target;
    return target;
  }

  close(): Promise<void> {
    if (this.#batch.length > 0) this.#flush();
    if (this.#timer) clearInterval(this.#timer);
    for (const w of [...this.#watchers]) w.queue.end();
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
}
