// list: one scope (namespace or all), label/field selection, and limit/continue pages read at
// one revision so that later pages see the same snapshot.
import { badRequest, gone } from "../errors.js";
import type { KubeList, KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef, StoredObject } from "./deps.js";
import { isStoreError } from "./deps.js";
import { continueExpired, decodeContinue, encodeContinue } from "./continue-token.js";
import { objectFilter } from "./filter.js";
import { scopePrefix } from "./keys.js";
import { defApiVersion, fromStored } from "./object-util.js";
import type { ListOptions } from "./options.js";

/** Store reads per page when a selector filters items out (at least the limit). */
const MIN_CHUNK = 100;

function parseRevision(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === "") return undefined;
  const n = Number(rv);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return n;
}

/** Where a list starts reading: the revision and key of a continue token or an exact RV. */
export function listStart(
  o: ListOptions,
  prefix: string,
): { revision: number | undefined; startAfter: string | undefined } {
  if (o.continue !== undefined && o.continue !== "") return decodeContinue(o.continue, prefix);
  if (o.resourceVersionMatch === "Exact")
    return { revision: parseRevision(o.resourceVersion), startAfter: undefined };
  parseRevision(o.resourceVersion); // "0" / "N" (NotOlderThan): the latest state satisfies both
  return { revision: undefined, startAfter: undefined };
}

/** A store error of a list read as the API answers it (410 for history no longer kept). */
export function listReadError(err: unknown, o: ListOptions): unknown {
  if (!isStoreError(err, "CompactedError")) return err;
  return o.continue ? continueExpired() : gone(`too old resource version: ${o.resourceVersion ?? ""}`);
}

export async function listObjects(
  ctx: RegistryContext,
  def: ResourceDef,
  namespace: string | undefined,
  o: ListOptions,
): Promise<KubeList> {
  const prefix = scopePrefix(def, namespace);
  const filter = objectFilter(def, o);
  const limit = o.limit !== undefined && o.limit > 0 ? o.limit : undefined;
  let { revision, startAfter } = listStart(o, prefix);

  const items: KubeObject[] = [];
  let more = false;
  let remaining = 0;
  let lastKey: string | undefined;
  try {
    for (;;) {
      const want =
        limit === undefined ? undefined : Math.max(limit - items.length, filter.everything ? 0 : MIN_CHUNK);
      const page = await ctx.store.list(prefix, {
        ...(want !== undefined && { limit: want }),
        ...(startAfter !== undefined && { startAfter }),
        ...(revision !== undefined && { revision }),
      });
      revision = page.revision;
      more = page.more;
      remaining = page.remaining;
      const taken = takeMatching(
        def,
        page.items,
        filter.matches,
        limit === undefined ? Infinity : limit - items.length,
        items,
      );
      if (taken.stoppedAt !== undefined) {
        // The page held more matches than wanted: the rest of it is still to come.
        lastKey = taken.stoppedAt;
        more = true;
        remaining = remaining + (page.items.length - taken.consumed);
        break;
      }
      lastKey = page.items.at(-1)?.key ?? lastKey;
      startAfter = lastKey;
      if (!page.more || limit === undefined || items.length >= limit) break;
    }
  } catch (err) {
    throw listReadError(err, o);
  }

  const list: KubeList = {
    apiVersion: defApiVersion(def),
    kind: def.listKind,
    metadata: { resourceVersion: String(revision ?? 0) },
    items,
  };
  if (more && lastKey !== undefined && revision !== undefined) {
    list.metadata.continue = encodeContinue(revision, lastKey, prefix);
    // Only exact when every remaining item counts (Kubernetes omits it with selectors).
    if (filter.everything) list.metadata.remainingItemCount = remaining;
  }
  return list;
}

/** Appends matching objects until `room` is used; reports where it stopped early. */
function takeMatching(
  def: ResourceDef,
  page: StoredObject[],
  matches: (obj: KubeObject) => boolean,
  room: number,
  into: KubeObject[],
): { stoppedAt?: string; consumed: number } {
  let taken = 0;
  for (let i = 0; i < page.length; i++) {
    const stored = page[i] as StoredObject;
    const obj = fromStored(def, stored);
    if (!matches(obj)) continue;
    into.push(obj);
    taken++;
    if (taken >= room && i < page.length - 1) return { stoppedAt: stored.key, consumed: i + 1 };
  }
  return { consumed: page.length };
}
