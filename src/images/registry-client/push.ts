// `docker push`: the layers (three at a time) and config of a local image, then its manifest
// under the tag, with Docker's progress messages. The manifest is pushed byte for byte as
// stored, so the digest is the one the image was pulled or made with.
import { digestOf, type Digest } from "../../oci/digest.js";
import { formatReference, normalizeReference, parseReference, repositoryName } from "../../oci/reference.js";
import { ImageNotFoundError, ImageRequestError, RegistryError } from "../errors.js";
import type { ImageLayer } from "../image-db.js";
import { throttledProgress, type ProgressSink } from "../progress.js";
import type { ImageStore } from "../store.js";
import type { RegistryCredentials } from "./auth.js";
import { pushBlob } from "./blob-push.js";
import { registryErrorText, repoScope, RegistryClient } from "./client.js";
import { runLimited } from "./limit.js";

export const CONCURRENT_UPLOADS = 3;

export interface PushOptions {
  credentials?: RegistryCredentials;
  onProgress: ProgressSink;
  signal?: AbortSignal;
  /** Speak HTTP, not HTTPS, to this registry (an insecure registry). */
  plainHttp?: boolean;
}

export async function pushImage(
  store: ImageStore,
  input: string,
  o: PushOptions,
): Promise<{ digest: Digest; size: number; tag: string }> {
  const ref = normalizeReference(input);
  if (ref.tag === undefined) throw new ImageRequestError("cannot push a digest reference");
  const name = formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag });
  const id = store.db.resolveName(name);
  const record = id && store.record(id);
  if (!record) throw new ImageNotFoundError(input);
  const client = new RegistryClient(ref.domain, {
    ...(o.credentials && { credentials: o.credentials }),
    ...(o.signal && { signal: o.signal }),
    plainHttp: o.plainHttp === true,
  });
  const target = { client, path: ref.path, content: store.content };
  o.onProgress({ status: `The push refers to repository [${repositoryName(ref)}]` });

  const layers = dedupe(record.layers).reverse(); // Docker lists the top layer first
  const id12 = (l: ImageLayer) => l.digest.slice(l.digest.indexOf(":") + 1, l.digest.indexOf(":") + 13);
  for (const l of layers) o.onProgress({ status: "Preparing", progressDetail: {}, id: id12(l) });
  layers
    .slice(CONCURRENT_UPLOADS)
    .forEach((l) => o.onProgress({ status: "Waiting", progressDetail: {}, id: id12(l) }));
  const mountFrom = mountSources(store, ref.domain, ref.path);
  await runLimited(layers, CONCURRENT_UPLOADS, async (layer) => {
    const onBytes = throttledProgress(o.onProgress, {
      status: "Pushing",
      id: id12(layer),
      total: layer.size,
    });
    const result = await pushBlob(target, layer, { mountFrom: mountFrom(layer.digest), onBytes });
    const status =
      result.outcome === "exists"
        ? "Layer already exists"
        : result.outcome === "mounted"
          ? `Mounted from ${result.from}`
          : "Pushed";
    o.onProgress({ status, progressDetail: {}, id: id12(layer) });
  });
  const configInfo = await store.content.info(record.id);
  if (!configInfo) throw new RegistryError(`the config blob ${record.id} is missing from the store`);
  await pushBlob(target, { digest: record.id, size: configInfo.size });

  const bytes = await store.content.readAll(record.manifestDigest);
  const res = await client.request({
    method: "PUT",
    path: `/v2/${ref.path}/manifests/${ref.tag}`,
    headers: { "Content-Type": record.manifestMediaType },
    body: bytes,
    scopes: [repoScope(ref.path, "pull,push")],
    retry: true,
  });
  if (res.status !== 201 && res.status !== 200) throw new RegistryError((await registryErrorText(res)).text);
  await res.drain();
  const digest = digestOf(bytes);
  store.db.setName(formatReference({ domain: ref.domain, path: ref.path, digest }), record.id);
  o.onProgress({ status: `${ref.tag}: digest: ${digest} size: ${bytes.length}` });
  o.onProgress({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: bytes.length } });
  return { digest, size: bytes.length, tag: ref.tag };
}

function dedupe(layers: readonly ImageLayer[]): ImageLayer[] {
  return [...new Map(layers.map((l) => [l.digest, l])).values()];
}

// Repositories of the same registry whose images hold a blob: candidates for a mount.
function mountSources(store: ImageStore, domain: string, path: string): (digest: Digest) => string[] {
  const byBlob = new Map<Digest, string[]>();
  const names = store.db.allNames();
  for (const record of store.db.all()) {
    const repos = (names.get(record.id) ?? [])
      .map((n) => parseReference(n))
      .filter((r) => r.domain === domain && r.path !== path)
      .map((r) => r.path);
    for (const blob of record.blobs) byBlob.set(blob, [...new Set([...(byBlob.get(blob) ?? []), ...repos])]);
  }
  return (digest) => byBlob.get(digest) ?? [];
}
