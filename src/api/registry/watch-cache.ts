// One store watch per resource prefix, started lazily, fanning every change out to many
// watchers in order, with a ring of recent events so that a watcher can resume from a recent
// resourceVersion without a store watch of its own.
import type { Logger } from "pino";
import type { KubeObject } from "../types.js";
import type { ResourceDef, Store, StoreEvent } from "./deps.js";
import { storedElsewhere } from "./keys.js";
import { parseStored, served } from "./object-util.js";

export interface CachedEvent {
  type: "put" | "delete";
  key: string;
  revision: number;
  /** put: created by this event (no earlier version). */
  created: boolean;
  /** Storage form: put → the new object; delete → the last state, resourceVersion = the delete's. */
  object: KubeObject;
  /** Storage form of the previous version, when the store reported it. */
  prev: KubeObject | undefined;
  /** Objects converted per served def, shared by every watcher of that def: never mutate. */
  servedAs: Map<ResourceDef, { object: KubeObject; prev: KubeObject | undefined }>;
}

export interface CacheListener {
  /** Events with a revision above this one are delivered. */
  readonly fromRevision: number;
  deliver(ev: CachedEvent): void;
  bookmark(revision: number): void;
  /** The cache stopped (store watch failed); the watcher should end so its client re-watches. */
  close(): void;
}

export function toCachedEvent(ev: StoreEvent): CachedEvent {
  if (ev.type === "put") {
    return {
      type: "put",
      key: ev.key,
      revision: ev.modRevision,
      created: ev.createRevision === ev.modRevision,
      object: parseStored(ev.value, ev.modRevision),
      prev: ev.prevValue === undefined ? undefined : parseStored(ev.prevValue, ev.modRevision),
      servedAs: new Map(),
    };
  }
  return {
    type: "delete",
    key: ev.key,
    revision: ev.modRevision,
    created: false,
    object: parseStored(ev.prevValue, ev.modRevision),
    prev: undefined,
    servedAs: new Map(),
  };
}

/** The event's objects as `def` serves them (converted once per def). */
export function servedEvent(
  def: ResourceDef,
  ev: CachedEvent,
): { object: KubeObject; prev: KubeObject | undefined } {
  let s = ev.servedAs.get(def);
  if (!s) {
    // The storage version is served as stored (no copy); other versions convert a copy.
    const convert = (o: KubeObject): KubeObject =>
      def.version === def.storageVersion && !storedElsewhere(def)
        ? served(def, o)
        : served(def, structuredClone(o));
    s = { object: convert(ev.object), prev: ev.prev === undefined ? undefined : convert(ev.prev) };
    ev.servedAs.set(def, s);
  }
  return s;
}

export interface WatchCacheOptions {
  ringSize?: number;
  bookmarkIntervalMs?: number;
}

export class WatchCache {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #ringSize: number;
  readonly #bookmarkMs: number;
  readonly #ring: CachedEvent[] = [];
  readonly #listeners = new Set<CacheListener>();
  /** Every event with a revision above the floor is in the ring or still to come. */
  #floor = 0;
  #lastRevision = 0;
  #starting: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, prefix: string, logger: Logger, o: WatchCacheOptions = {}) {
    this.#store = store;
    this.#prefix = prefix;
    this.#logger = logger;
    this.#ringSize = o.ringSize ?? 1024;
    this.#bookmarkMs = o.bookmarkIntervalMs ?? 60_000;
  }

  /** Starts the store watch at the current revision (once). */
  start(): Promise<void> {
    if (!this.#starting) {
      const starting = this.#start();
      this.#starting = starting;
      // A failed start is not remembered: the next watcher tries again.
      starting.catch(() => {
        if (this.#starting === starting) this.#starting = undefined;
      });
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    const revision = await this.#store.currentRevision();
    this.#floor = revision;
    this.#lastRevision = revision;
    this.#ring.length = 0;
    const events = this.#store.watch(this.#prefix, revision, abort.signal);
    void this.#pump(events, abort.signal);
    this.#timer = setInterval(() => this.#sendBookmarks(), this.#bookmarkMs);
    this.#timer.unref();
  }

  async #pump(events: AsyncIterable<StoreEvent>, signal: AbortSignal): Promise<void> {
    try {
      for await (const raw of events) this.#publish(toCachedEvent(raw));
    } catch (err) {
      if (!signal.aborted)
        this.#logger.warn({ err, prefix: this.#prefix }, "watch cache: store watch failed");
    }
    if (!signal.aborted) this.#reset();
  }

  #publish(ev: CachedEvent): void {
    this.#ring.push(ev);
    if (this.#ring.length > this.#ringSize) {
      const evicted = this.#ring.shift() as CachedEvent;
      this.#floor = evicted.revision;
    }
    this.#lastRevision = ev.revision;
    for (const l of this.#listeners) if (ev.revision > l.fromRevision) l.deliver(ev);
  }

  #sendBookmarks(): void {
    for (const l of this.#listeners) l.bookmark(this.#lastRevision);
  }

  /** Ends every watcher and forgets the state; the next watcher starts the cache again. */
  #reset(): void {
    this.#abort?.abort();
    if (this.#timer) clearInterval(this.#timer);
    this.#starting = undefined;
    this.#ring.length = 0;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const l of listeners) l.close();
  }

  /** The revision below which resuming needs the store's history (after start()). */
  get floor(): number {
    return this.#floor;
  }

  get lastRevision(): number {
    return this.#lastRevision;
  }

  /**
   * Delivers buffered events after `listener.fromRevision`, then live ones, in order. False
   * when the ring no longer covers that revision (the caller falls back to the store).
   */
  subscribe(listener: CacheListener): boolean {
    if (this.#starting === undefined || listener.fromRevision < this.#floor) return false;
    for (const ev of this.#ring) if (ev.revision > listener.fromRevision) listener.deliver(ev);
    this.#listeners.add(listener);
    return true;
  }

  unsubscribe(listener: CacheListener): void {
    this.#listeners.delete(listener);
  }

  get watcherCount(): number {
    return this.#listeners.size;
  }

  close(): void {
    this.#reset();
  }
}
