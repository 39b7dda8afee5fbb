// watch: one watcher over its resource's watch cache — synthetic ADDED events for the current
// objects when asked (resourceVersion unset/0), then every change after its revision, filtered
// by namespace and selectors (an object leaving the selection is DELETED for this watcher).
import type { Logger } from "pino";
import { badRequest } from "../errors.js";
import type { KubeObject, WatchEvent } from "../types.js";
import type { ResourceDef, Store } from "./deps.js";
import { isStoreError } from "./deps.js";
import { objectFilter, type ObjectFilter } from "./filter.js";
import { STREAM_PAGE } from "./list-stream.js";
import { resourcePrefix, scopePrefix } from "./keys.js";
import { defApiVersion, fromStored } from "./object-util.js";
import type { WatchOptions } from "./options.js";
import {
  servedEvent,
  toCachedEvent,
  WatchCache,
  type CacheListener,
  type CachedEvent,
  type WatchCacheOptions,
} from "./watch-cache.js";
import { WatchStream } from "./watch-stream.js";

/** Live events a watcher may have queued before it is considered too slow and closed. */
const WATCHER_CAPACITY = 10_000;
/** As lists stream (list-stream.ts): pages small enough to die in the young generation. */
const INITIAL_PAGE = STREAM_PAGE;

/** The watch caches of a registry, one per storage prefix. */
export class WatchCaches {
  readonly #caches = new Map<string, WatchCache>();
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #options: WatchCacheOptions;

  constructor(store: Store, logger: Logger, options: WatchCacheOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#options = options;
  }

  forDef(def: ResourceDef): WatchCache {
    const prefix = resourcePrefix(def);
    let cache = this.#caches.get(prefix);
    if (!cache) {
      cache = new WatchCache(this.#store, prefix, this.#logger, this.#options);
      this.#caches.set(prefix, cache);
    }
    return cache;
  }

  /** Streams still open (ended on close, including those reading the store directly). */
  readonly streams = new Set<WatchStream>();

  close(): void {
    for (const s of [...this.streams]) s.end();
    for (const c of this.#caches.values()) c.close();
    this.#caches.clear();
  }
}

function parseWatchRevision(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === "") return undefined;
  const n = Number(rv);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return n;
}

function expiredEvent(requested: number, oldest: number): WatchEvent {
  const status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `too old resource version: ${requested} (${oldest})`,
    reason: "Expired",
    code: 410,
  };
  return { type: "ERROR", object: status as unknown as KubeObject };
}

/** The event this watcher sees for a change, or undefined when it sees none. */
function translate(def: ResourceDef, filter: ObjectFilter, ev: CachedEvent): WatchEvent | undefined {
  const { object, prev } = servedEvent(def, ev);
  if (ev.type === "delete") return filter.matches(object) ? { type: "DELETED", object } : undefined;
  const now = filter.matches(object);
  if (ev.created) return now ? { type: "ADDED", object } : undefined;
  if (filter.everything) return { type: "MODIFIED", object };
  const before = prev === undefined ? now : filter.matches(prev);
  if (before && now) return { type: "MODIFIED", object };
  if (now) return { type: "ADDED", object };
  if (before) return { type: "DELETED", object };
  return undefined;
}

export interface WatchDeps {
  store: Store;
  caches: WatchCaches;
  logger: Logger;
}

/**
 * Validates the request at once (BadRequest is thrown, before any stream exists), then returns
 * the stream. A too-old resourceVersion arrives as an ERROR event (410 Expired), as Kubernetes
 * sends it.
 */
export function startWatch(
  deps: WatchDeps,
  def: ResourceDef,
  namespace: string | undefined,
  o: WatchOptions,
  signal: AbortSignal,
): AsyncIterableIterator<WatchEvent> {
  const filter = objectFilter(def, o);
  const requested = parseWatchRevision(o.resourceVersion);
  const scope = scopePrefix(def, namespace);
  const cache = deps.caches.forDef(def);
  const direct = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let bookmarked = 0;
  const stream = new WatchStream(WATCHER_CAPACITY, () => {
    deps.caches.streams.delete(stream);
    cache.unsubscribe(listener);
    direct.abort();
    if (timer) clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  });
  const bookmark = (revision: number, annotations?: Record<string, string>): WatchEvent => ({
    type: "BOOKMARK",
    object: {
      kind: def.kind,
      apiVersion: defApiVersion(def),
      metadata: { resourceVersion: String(revision), ...(annotations && { annotations }) },
    },
  });
  const handle = (ev: CachedEvent): void => {
    if (!ev.key.startsWith(scope)) return;
    const out = translate(def, filter, ev);
    if (out) stream.push(out);
  };
  let fromRevision = requested ?? 0;
  const listener: CacheListener = {
    get fromRevision() {
      return fromRevision;
    },
    deliver: handle,
    bookmark(revision) {
      if (!o.allowWatchBookmarks || revision <= bookmarked || revision <= fromRevision) return;
      bookmarked = revision;
      stream.push(bookmark(revision));
    },
    close: () => stream.end(),
  };
  deps.caches.streams.add(stream);
  const onAbort = (): void => stream.end();
  if (signal.aborted) stream.end();
  signal.addEventListener("abort", onAbort);
  if (o.timeoutSeconds !== undefined && o.timeoutSeconds > 0) {
    timer = setTimeout(() => stream.end(), o.timeoutSeconds * 1000);
    timer.unref();
  }

  const run = async (): Promise<void> => {
    await cache.start();
    if (stream.ended) return;
    if (requested === undefined || requested === 0 || o.sendInitialEvents === true) {
      fromRevision = await sendInitial(deps.store, def, scope, filter, stream);
      if (o.sendInitialEvents === true) {
        stream.push(bookmark(fromRevision, { "k8s.io/initial-events-end": "true" }), true);
      }
    }
    if (stream.ended || cache.subscribe(listener)) return;
    // The cache no longer holds that far back: this watcher reads the store's history itself.
    try {
      for await (const raw of deps.store.watch(scope, fromRevision, direct.signal)) {
        handle(toCachedEvent(raw));
        if (stream.ended) return;
      }
    } catch (err) {
      if (!isStoreError(err, "CompactedError")) throw err;
      stream.push(expiredEvent(fromRevision, cache.floor), true);
    }
    stream.end();
  };
  run().catch((err: unknown) => {
    deps.logger.warn({ err, resource: def.resource }, "watch failed");
    stream.end();
  });
  return stream;
}

/** ADDED for every current object of the scope that matches; answers the revision read at. */
async function sendInitial(
  store: Store,
  def: ResourceDef,
  scope: string,
  filter: ObjectFilter,
  stream: WatchStream,
): Promise<number> {
  let startAfter: string | undefined;
  let revision: number | undefined;
  for (;;) {
    const page = await store.list(scope, {
      limit: INITIAL_PAGE,
      count: false,
      ...(startAfter !== undefined && { startAfter }),
      ...(revision !== undefined && { revision }),
    });
    revision = page.revision;
    for (const stored of page.items) {
      const obj = fromStored(def, stored);
      if (filter.matches(obj)) stream.push({ type: "ADDED", object: obj }, true);
    }
    if (!page.more || stream.ended) return revision;
    startAfter = page.items.at(-1)?.key;
  }
}
