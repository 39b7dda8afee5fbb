// Downloading one blob into the content store: streamed to an ingest, verified by digest at
// commit, resumed with a Range request after a network error, redirects followed (storage
// backends answer blob GETs with a redirect).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalContentStore } from "../../content/local-store.js";
import { DigestMismatchError, type ContentWriter } from "../../content/store.js";
import type { Descriptor } from "../../oci/descriptor.js";
import { RegistryError } from "../errors.js";
import { countingTap } from "../streams.js";
import { isNetworkError, type HttpResponse } from "./http.js";
import { registryErrorText, repoScope, type RegistryClient } from "./client.js";

const ATTEMPTS = 5;
const BACKOFF_MS = [500, 1000, 2000, 4000];
const MAX_REDIRECTS = 5;

export interface BlobFetch {
  client: RegistryClient;
  /** Repository path in the registry, e.g. `library/busybox`. */
  path: string;
  content: LocalContentStore;
}

/** Fetches `desc` unless the store has it; `onBytes` sees the bytes received so far. */
export async function fetchBlob(
  f: BlobFetch,
  desc: Pick<Descriptor, "digest" | "size">,
  onBytes?: (n: number) => void,
): Promise<void> {
  if (await f.content.info(desc.digest)) return;
  const ref = `pull-${randomUUID()}`;
  let writer = await f.content.writer(ref);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await download(f, desc, writer, onBytes);
        break;
      } catch (err) {
        if (
          attempt >= ATTEMPTS ||
          !(isNetworkError(err) || err instanceof RetryableError) ||
          f.client.signal?.aborted
        )
          throw err;
        await sleep(BACKOFF_MS[attempt - 1], undefined, { signal: f.client.signal });
      }
    }
    await writer.commit(desc.digest, desc.size);
  } catch (err) {
    await f.content.abort(ref).catch(() => undefined);
    if (err instanceof DigestMismatchError) {
      throw new RegistryError(`filesystem layer verification failed for digest ${desc.digest}`);
    }
    throw err;
  }

  async function download(
    fetch: BlobFetch,
    d: Pick<Descriptor, "digest" | "size">,
    w: ContentWriter,
    progress?: (n: number) => void,
  ): Promise<void> {
    const offset = w.offset();
    if (offset >= d.size) return;
    const res = await get(fetch, d, offset);
    if (res.status === 200 && offset > 0) {
      // The server ignored the Range: start over.
      await fetch.content.abort(ref);
      writer = await fetch.content.writer(ref);
      w = writer;
    } else if (res.status !== 200 && res.status !== 206) {
      const { text } = await registryErrorText(res);
      if (res.status >= 500) throw new RetryableError(text);
      throw new RegistryError(text, res.status === 404 ? 404 : 500);
    }
    const base = w.offset();
    const tap = countingTap((n) => progress?.(base + n));
    res.body.once("error", (err) => tap.destroy(err));
    res.body.pipe(tap);
    await w.append(tap);
    if (w.offset() < d.size)
      throw new RetryableError(`blob ${d.digest}: connection closed after ${w.offset()} of ${d.size} bytes`);
  }
}

class RetryableError extends Error {}

async function get(f: BlobFetch, desc: Pick<Descriptor, "digest">, offset: number): Promise<HttpResponse> {
  let location = `/v2/${f.path}/blobs/${desc.digest}`;
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    const res = await f.client.request({
      method: "GET",
      path: location,
      headers,
      scopes: [repoScope(f.path, "pull")],
      retry: true,
    });
    if (res.status < 300 || res.status >= 400 || res.header("location") === undefined) return res;
    await res.drain();
    location = new URL(res.header("location")!, new URL(location, f.client.endpoint)).href;
  }
  throw new RegistryError(`too many redirects fetching ${desc.digest}`);
}
