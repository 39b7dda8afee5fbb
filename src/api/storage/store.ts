// The contract every backend of the cluster API's storage keeps (docs/api.md, storage/): a
// key-value store with one global, monotonically increasing revision, compare-and-swap writes
// on a key's modification revision, reads at an older revision, and watches that deliver every
// change after a revision exactly once and in order. Kubernetes' own storage (etcd) has this
// shape; the SQLite backend reproduces it for a single server.

export interface StoredObject {
  key: string;
  /** The object's JSON (without metadata.resourceVersion). */
  value: Buffer;
  createRevision: number;
  /** The revision of the last write of this key; the object's resourceVersion. */
  modRevision: number;
}

export type StoreEvent =
  | {
      type: "put";
      key: string;
      value: Buffer;
      prevValue?: Buffer;
      createRevision: number;
      modRevision: number;
    }
  | { type: "delete"; key: string; prevValue: Buffer; modRevision: number };

export interface ListOptions {
  limit?: number;
  /** Start after this key (exclusive): the next page of a paginated list. */
  startAfter?: string;
  /** Read as of this older revision; CompactedError when it is no longer kept. */
  revision?: number;
  /**
   * false: `remaining` need not be counted (SQLite answers 0). A reader paging through every key needs
   * no count, and on SQLite counting the rest of the range reads it all, once per page.
   */
  count?: boolean;
}

export interface WatchStoreOptions {
  /**
   * false: the events need not carry the values before the change (a put may come without
   * `prevValue`, a delete with an empty one). etcd then neither reads them nor sends them.
   */
  prevValues?: boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** The revision the list was read at. */
  revision: number;
  /** Whether keys remain after the last item. */
  more: boolean;
  /** How many keys remain after the last item (0 when not counted). */
  remaining: number;
}

export interface Store {
  /** The revision of the last write (0 when nothing was ever written). */
  currentRevision(): Promise<number>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** KeyExistsError when the key exists. */
  create(key: string, value: Buffer): Promise<StoredObject>;
  /** Compare-and-swap: RevisionMismatchError (with the current object) or KeyNotFoundError. */
  update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject>;
  /** Returns the deleted object; with expectModRevision a CAS like update. KeyNotFoundError. */
  delete(key: string, expectModRevision?: number): Promise<StoredObject>;
  /**
   * Every change under `prefix` with a revision above `afterRevision`, in order, exactly once,
   * until `signal` aborts (the iteration then ends). The first next() throws CompactedError
   * when `afterRevision` is older than the kept history; a watcher that falls too far behind
   * the writers is ended the same way, so that it re-lists.
   */
  watch(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
    opts?: WatchStoreOptions,
  ): AsyncIterable<StoreEvent>;
  /** Ends every watch and releases the backend. */
  close(): Promise<void>;
}

/** The first key after every key that starts with `prefix` (a range end, as etcd's). */
export function prefixEnd(prefix: string): string {
  // Keys are ASCII paths; the last character's successor bounds the range.
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
