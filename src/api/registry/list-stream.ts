// A list served a piece at a time: without a limit, the store is read STREAM_PAGE keys at a
// time at the first page's revision (the same snapshot a single read would give), and each
// object is parsed only when it is reached. A list of thousands of pods is then never held as
// one array of stored values and one of objects (paged lists, bounded by their limit, are
// read whole by listObjects).
import type { KubeList, KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ListResult, ResourceDef } from "./deps.js";
import { objectFilter } from "./filter.js";
import { scopePrefix } from "./keys.js";
import { listObjects, listReadError, listStart } from "./list.js";
import { defApiVersion, fromStored } from "./object-util.js";
import type { ListOptions } from "./options.js";

/**
 * Stored objects read per store call while streaming. Small enough that a page's stored values
 * (native Buffers) die young: pages of 500 outlived two scavenges while they were written out,
 * went to the old generation and, with them, 8 MB of malloc'd values per 5,000-pod list stayed
 * held until the next full collection (the server's RSS grew 15–40 MiB over five lists).
 */
export const STREAM_PAGE = 100;

/** A list whose items are made as they are iterated (once). */
export interface LazyList {
  /** apiVersion, kind and metadata (resourceVersion, continue, remainingItemCount). */
  head: Omit<KubeList, "items">;
  /** Each selected item as the def serves it; a failed read later on throws here. */
  items: AsyncIterable<KubeObject>;
}

export async function listLazily(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  o: ListOptions,
): Promise<LazyList> {
  if (o.limit !== undefined && o.limit > 0) {
    const { items, ...head } = await listObjects(ctx, def, namespace, o);
    return { head, items: fromArray(items) };
  }
  const prefix = scopePrefix(def, namespace);
  const filter = objectFilter(def, o);
  const start = listStart(o, prefix);
  const read = async (startAfter: string | undefined, revision: number | undefined): Promise<ListResult> => {
    try {
      return await ctx.store.list(prefix, {
        limit: STREAM_PAGE,
        count: false,
        ...(startAfter !== undefined && { startAfter }),
        ...(revision !== undefined && { revision }),
      });
    } catch (err) {
      throw listReadError(err, o);
    }
  };
  // The first page is read now: a bad token or a too-old revision is answered before any item.
  const first = await read(start.startAfter, start.revision);
  const revision = first.revision;
  const head = {
    apiVersion: defApiVersion(def),
    kind: def.listKind,
    metadata: { resourceVersion: String(revision) },
  };
  async function* items(): AsyncGenerator<KubeObject> {
    let page = first;
    for (;;) {
      for (const stored of page.items) {
        const obj = fromStored(def, stored);
        if (filter.matches(obj)) yield obj;
      }
      const last = page.items.at(-1);
      if (!page.more || last === undefined) return;
      page = await read(last.key, revision);
    }
  }
  return { head, items: items() };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
