// The shared backend of the cluster API's storage: etcd 3 (what Kubernetes itself uses), for
// several Skiff servers over one cluster state. etcd's revisions are the Store's revisions as
// they are; creates and CAS writes are etcd transactions comparing a key's create/mod revision.
// Keys live under a prefix so that one etcd can hold other data too.
import { Etcd3, type IKeyValue, type IRangeResponse, type IResponseOp } from "etcd3";
import { CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import {
  prefixEnd,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type StoredObject,
  type WatchStoreOptions,
} from "./store.js";

export interface EtcdStoreOptions {
  /** Client URLs: `http://127.0.0.1:2379`. */
  endpoints: string[];
  /** Every key is stored under this prefix (default `/skiff`). */
  prefix?: string;
  /** Events a watcher may fall behind before it is ended (default 50,000). */
  watcherQueueLimit?: number;
}

const num = (v: string | number | undefined): number => Number(v ?? 0);
/** Keys read per etcd range request. */
const LIST_PAGE = 500;

export class EtcdStore implements Store {
  readonly #client: Etcd3;
  readonly #prefix: string;
  readonly #queueLimit: number;
  readonly #watches = new Set<AbortController>();

  constructor(o: EtcdStoreOptions) {
    this.#client = new Etcd3({ hosts: o.endpoints });
    this.#prefix = o.prefix ?? "/skiff";
    this.#queueLimit = o.watcherQueueLimit ?? 50_000;
  }

  #k(key: string): Buffer {
    return Buffer.from(this.#prefix + key);
  }

  #stored(kv: IKeyValue): StoredObject {
    return {
      key: kv.key.toString().slice(this.#prefix.length),
      value: kv.value,
      createRevision: num(kv.create_revision),
      modRevision: num(kv.mod_revision),
    };
  }

  async currentRevision(): Promise<number> {
    // A range over one key answers with the store's revision in its header.
    const res = await this.#client.kv.range({ key: this.#k("/"), count_only: true });
    return num(res.header.revision);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const res = await this.#client.kv.range({ key: this.#k(key) });
    const kv = res.kvs[0];
    return kv && this.#stored(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const full = this.#prefix + prefix;
    const rangeEnd = Buffer.from(prefixEnd(full));
    const wanted = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    let start = opts.startAfter !== undefined ? `${this.#prefix}${opts.startAfter}\0` : full;
    let revision = opts.revision !== undefined && opts.revision > 0 ? opts.revision : 0;
    const items: StoredObject[] = [];
    // etcd answers one range in one gRPC message (4 MiB at most by default): a large list is
    // read in pages, all at the revision of the first, so it is one consistent snapshot.
    for (;;) {
      const page = Math.min(wanted - items.length, LIST_PAGE);
      let res: IRangeResponse;
      try {
        res = await this.#client.kv.range({
          key: Buffer.from(start),
          range_end: rangeEnd,
          limit: page,
          ...(revision > 0 && { revision }),
        });
      } catch (err) {
        if (/compacted/.test(String(err))) throw new CompactedError(revision, revision);
        throw err;
      }
      if (revision === 0) revision = num(res.header.revision);
      for (const kv of res.kvs) items.push(this.#stored(kv));
      const remaining = num(res.count) - res.kvs.length;
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || last === undefined || items.length >= wanted) {
        return { items, revision, more: res.more, remaining };
      }
      start = `${last.key.toString()}\0`;
    }
  }

  async create(key: string, value: Buffer): Promise<StoredObject> {
    const k = this.#k(key);
    const res = await this.#client.kv.txn({
      compare: [{ key: k, target: "Create", result: "Equal", create_revision: 0 }],
      success: [{ request_put: { key: k, value } }],
      failure: [],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const rev = num(res.header.revision);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Buffer, expectModRevision: number): Promise<StoredObject> {
    const k = this.#k(key);
    const res = await this.#client.kv.txn({
      compare: [{ key: k, target: "Mod", result: "Equal", mod_revision: expectModRevision }],
      success: [{ request_put: { key: k, value, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.#casFailure(key, res.responses[0]);
    const prev = res.responses[0]?.response_put.prev_kv;
    if (!prev) throw new KeyNotFoundError(key); // not reached: mod_revision matched an existing key
    return { key, value, createRevision: num(prev.create_revision), modRevision: num(res.header.revision) };
  }

  async delete(key: string, expectModRevision?: number): Promise<StoredObject> {
    const k = this.#k(key);
    const res = await this.#client.kv.txn({
      compare:
        expectModRevision === undefined
          ? [{ key: k, target: "Create", result: "Greater", create_revision: 0 }]
          : [{ key: k, target: "Mod", result: "Equal", mod_revision: expectModRevision }],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.#casFailure(key, res.responses[0]);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) throw new KeyNotFoundError(key);
    return this.#stored(prev);
  }

  #casFailure(key: string, op: IResponseOp | undefined): Error {
    const current = op?.response_range.kvs[0];
    return current ? new RevisionMismatchError(key, this.#stored(current)) : new KeyNotFoundError(key);
  }

  watch(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
    opts: WatchStoreOptions = {},
  ): AsyncIterable<StoreEvent> {
    const queue = new EventQueue<StoreEvent>({
      limit: this.#queueLimit,
      overflow: () => new CompactedError(afterRevision, afterRevision),
    });
    const stop = new AbortController();
    this.#watches.add(stop);
    const onAbort = (): void => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    stop.signal.addEventListener("abort", () => queue.end(), { once: true });
    // However the watch ends (abort, overflow, error, the reader leaving), cancel etcd's watch.
    queue.onEnd(() => {
      this.#watches.delete(stop);
      signal.removeEventListener("abort", onAbort);
      stop.abort();
    });
    const builder = this.#client.watch().prefix(this.#prefix + prefix);
    if (opts.prevValues !== false) builder.withPreviousKV();
    void builder
      .startRevision(String(afterRevision + 1))
      .create()
      .then(
        (watcher) => {
          if (stop.signal.aborted) {
            void watcher.cancel();
            return;
          }
          stop.signal.addEventListener("abort", () => void watcher.cancel(), { once: true });
          watcher.on("data", (res) => {
            for (const ev of res.events) {
              const kv = this.#stored(ev.kv);
              if (ev.type === "Put") {
                queue.push({
                  type: "put",
                  key: kv.key,
                  value: kv.value,
                  ...(ev.prev_kv && { prevValue: ev.prev_kv.value }),
                  createRevision: kv.createRevision,
                  modRevision: kv.modRevision,
                });
              } else {
                queue.push({
                  type: "delete",
                  key: kv.key,
                  prevValue: ev.prev_kv?.value ?? Buffer.alloc(0),
                  modRevision: kv.modRevision,
                });
              }
            }
          });
          watcher.on("error", (err: Error) => {
            queue.fail(
              // etcd cancels a watch it cannot serve from its history (compact_revision set,
              // often with an empty reason); the caller must re-list either way.
              /compacted|Watcher canceled/.test(err.message)
                ? new CompactedError(afterRevision, afterRevision)
                : err,
            );
            stop.abort();
          });
        },
        (err: unknown) => {
          queue.fail(err instanceof Error ? err : new Error(String(err)));
          stop.abort();
        },
      );
    return queue;
  }

  /** Compacts etcd's history up to `revision` (tests and maintenance). */
  async compact(revision: number): Promise<void> {
    await this.#client.kv.compact({ revision, physical: true });
  }

  close(): Promise<void> {
    for (const w of [...this.#watches]) w.abort();
    this.#client.close();
    return Promise.resolve();
  }
}
