// An in-memory Store that keeps the docs/api.md contract (revisions, CAS, history for reads at
// old revisions and for watch, compaction): for unit tests of the registry and its users.
import type { Store, StoreEvent, StoredObject } from "./deps.js";

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
export class KeyExistsError extends NamedError {
  constructor(key: string) {
    super("KeyExistsError", `key exists: ${key}`);
  }
}
export class KeyNotFoundError extends NamedError {
  constructor(key: string) {
    super("KeyNotFoundError", `key not found: ${key}`);
  }
}
export class RevisionMismatchError extends NamedError {
  constructor(
    key: string,
    readonly current: StoredObject,
  ) {
    super("RevisionMismatchError", `revision mismatch: ${key}`);
  }
}
export class CompactedError extends NamedError {
  constructor(revision: number, compacted: number) {
    super("CompactedError", `required revision ${revision} has been compacted (compacted to ${compacted})`);
  }
}

interface Version {
  modRevision: number;
  createRevision: number;
  value: Buffer | undefined; // undefined: deleted at modRevision
}

export class MemoryStore implements Store {
  #revision = 0;
  #compacted = 0;
  readonly #versions = new Map<string, Version[]>();
  readonly #log: StoreEvent[] = [];
  readonly #listeners = new Set<() => void>();

  async currentRevision(): Promise<number> {
    return this.#revision;
  }

  #latest(key: string): Version | undefined {
    const v = this.#versions.get(key)?.at(-1);
    return v?.value === undefined ? undefined : v;
  }

  #stored(key: string, v: Version): StoredObject {
    return { key, value: v.value as Buffer, createRevision: v.createRevision, modRevision: v.modRevision };
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const v = this.#latest(key);
    return v && this.#stored(key, v);
  }

  async list(prefix: string, opts: { limit?: number; startAfter?: string; revision?: number } = {}) {
    const revision = opts.revision ?? this.#revision;
    if (opts.revision !== undefined && opts.revision < this.#compacted) {
      throw new CompactedError(opts.revision, this.#compacted);
    }
    const keys = [...this.#versions.keys()]
      .filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter))
      .sort();
    const all: StoredObject[] = [];
    for (const key of keys) {
      const v = this.#versions
        .get(key)
        ?.filter((x) => x.modRevision <= revision)
        .at(-1);
      if (v?.value !== undefined) all.push(this.#stored(key, v));
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : all.length;
    const items = all.slice(0, limit);
    return { items, revision, more: all.length > limit, remaining: all.length - items.length };
  }

  #write(key: string, value: Buffer | undefined, createRevision: number, prev: Version | undefined): Version {
    this.#revision++;
    const v: Version = { modRevision: this.#revision, createRevision, value };
    const versions = this.#versions.get(key) ?? [];
    versions.push(v);
    this.#versions.set(key, versions);
    const event: StoreEvent =
      value === undefined
        ? { type: "delete", key, prevValue: prev?.value as Buffer, modRevision: v.modRevision }
        : {
            type: "put",
            key,
            value,
            ...(prev?.value !== undefined && { prevValue: prev.value }),
            createRevision,
            modRevision: v.modRevision,
          };
    this.#log.push(event);
    for (const wake of this.#listeners) wake();
    return v;
  }

  async create(key: string, value: Buffer): Promise<StoredObject> {
    if (this.#latest(key)) throw new KeyExistsError(key);
    const v = this.#write(key, value, this.#revision + 1, undefined);
    return this.#stored(key, v);
  }

  async update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject> {
    const cur = this.#latest(key);
    if (!cur) throw new KeyNotFoundError(key);
    if (cur.modRevision !== expectModRevision) throw new RevisionMismatchError(key, this.#stored(key, cur));
    return this.#stored(key, this.#write(key, value, cur.createRevision, cur));
  }

  async delete(key: string, expectModRevision?: number): Promise<StoredObject> {
    const cur = this.#latest(key);
    if (!cur) throw new KeyNotFoundError(key);
    if (expectModRevision !== undefined && cur.modRevision !== expectModRevision) {
      throw new RevisionMismatchError(key, this.#stored(key, cur));
    }
    const deleted = this.#stored(key, cur);
    this.#write(key, undefined, cur.createRevision, cur);
    return deleted;
  }

  /** Forgets history before `revision` (reads and watches from older revisions then fail). */
  compact(revision: number): void {
    this.#compacted = revision;
    while (this.#log.length > 0 && (this.#log[0] as StoreEvent).modRevision < revision) this.#log.shift();
  }

  /** Index of the first logged event after `revision` (the log is in revision order). */
  #firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.#log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#log[mid] as StoreEvent).modRevision > revision) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  async *watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    if (afterRevision + 1 < this.#compacted) throw new CompactedError(afterRevision, this.#compacted);
    let wake: (() => void) | undefined;
    const listener = (): void => wake?.();
    const onAbort = (): void => wake?.();
    this.#listeners.add(listener);
    signal.addEventListener("abort", onAbort);
    let next = afterRevision;
    try {
      while (!signal.aborted) {
        const pending: StoreEvent[] = [];
        for (let i = this.#firstAfter(next); i < this.#log.length; i++) {
          const e = this.#log[i] as StoreEvent;
          if (e.key.startsWith(prefix)) pending.push(e);
        }
        next = this.#revision;
        for (const e of pending) {
          if (signal.aborted) return;
          yield e;
        }
        if (next === this.#revision) await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.#listeners.delete(listener);
      signal.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {}
}
