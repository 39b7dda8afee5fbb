// `docker pull`: manifest (through an index to the host's or the asked platform), config,
// then the layers three at a time, with Docker's progress messages. Blobs are kept as the
// registry serves them (compressed), so digests never change.
import type { Descriptor } from "../../oci/descriptor.js";
import type { Digest } from "../../oci/digest.js";
import { parseImageConfig } from "../../oci/image-config.js";
import { formatPlatform, hostPlatform, parsePlatform, pickManifest } from "../../oci/platform.js";
import { familiarName, familiarString, formatReference, normalizeReference } from "../../oci/reference.js";
import { RegistryError } from "../errors.js";
import type { ImageLayer } from "../image-db.js";
import { throttledProgress, type ProgressSink } from "../progress.js";
import type { ImageStore } from "../store.js";
import type { RegistryCredentials } from "./auth.js";
import { fetchBlob } from "./blob-fetch.js";
import { RegistryClient } from "./client.js";
import { fetchManifest, ManifestNotFound, type FetchedManifest } from "./manifest-fetch.js";
import { runLimited } from "./limit.js";

export const CONCURRENT_DOWNLOADS = 3;

export interface PullOptions {
  platform?: string;
  credentials?: RegistryCredentials;
  onProgress: ProgressSink;
  signal?: AbortSignal;
  /** Speak HTTP, not HTTPS, to this registry (an insecure registry). */
  plainHttp?: boolean;
}

/** Pulls `input` and returns the image ID. */
export async function pullImage(store: ImageStore, input: string, o: PullOptions): Promise<Digest> {
  const ref = normalizeReference(input);
  const want = o.platform ? parsePlatform(o.platform) : hostPlatform();
  const client = new RegistryClient(ref.domain, {
    ...(o.credentials && { credentials: o.credentials }),
    ...(o.signal && { signal: o.signal }),
    plainHttp: o.plainHttp === true,
  });
  const shown = familiarString(ref);
  const reference = ref.digest ?? ref.tag!;
  o.onProgress({ status: `Pulling from ${ref.path}`, id: ref.tag ?? ref.digest! });

  let top: FetchedManifest;
  try {
    top = await fetchManifest(client, ref.path, reference);
  } catch (err) {
    throw err instanceof ManifestNotFound ? notFound(err, familiarName(ref), shown) : err;
  }
  let manifest = top;
  if (top.isIndex) {
    const entry = pickManifest(top.manifests, want);
    if (!entry)
      throw new RegistryError(
        `no matching manifest for ${formatPlatform(want)} in the manifest list entries`,
        404,
      );
    manifest = await fetchManifest(client, ref.path, entry.digest);
    if (manifest.isIndex) throw new RegistryError("nested manifest lists are not supported");
  }
  const configDesc = manifest.config!;
  const layers = manifest.layers;
  const blobs: Digest[] = [
    ...new Set([top.digest, manifest.digest, configDesc.digest, ...layers.map((l) => l.digest)]),
  ];

  return store.pins.hold(blobs, async () => {
    await store.content.put(top.bytes, top.digest);
    if (manifest !== top) await store.content.put(manifest.bytes, manifest.digest);
    const f = { client, path: ref.path, content: store.content };
    await fetchBlob(f, configDesc);
    const config = parseImageConfig(await store.content.readAll(configDesc.digest));
    if (config.rootfs.diff_ids.length !== layers.length) {
      throw new RegistryError(
        `the image config lists ${config.rootfs.diff_ids.length} layers but the manifest ${layers.length}`,
      );
    }
    await downloadLayers(store, f, layers, o.onProgress);

    const names = [formatReference({ domain: ref.domain, path: ref.path, digest: top.digest })];
    if (ref.tag !== undefined && ref.digest === undefined)
      names.unshift(formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag }));
    const before = store.db.resolveName(names[0]!);
    const imageLayers: ImageLayer[] = layers.map((l, i) => ({
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
      diffId: config.rootfs.diff_ids[i]!,
    }));
    store.db.put(
      {
        id: configDesc.digest,
        manifestDigest: manifest.digest,
        manifestMediaType: manifest.mediaType,
        config,
        layers: imageLayers,
        blobs,
        addedAt: Date.now(),
      },
      names,
    );
    o.onProgress({ status: `Digest: ${top.digest}` });
    o.onProgress({
      status:
        before === configDesc.digest
          ? `Status: Image is up to date for ${shown}`
          : `Status: Downloaded newer image for ${shown}`,
    });
    return configDesc.digest;
  });
}

async function downloadLayers(
  store: ImageStore,
  f: Parameters<typeof fetchBlob>[0],
  layers: readonly Descriptor[],
  onProgress: ProgressSink,
): Promise<void> {
  const id = (d: Descriptor) => d.digest.slice(d.digest.indexOf(":") + 1, d.digest.indexOf(":") + 13);
  const present = await Promise.all(
    layers.map(async (l) => (await store.content.info(l.digest)) !== undefined),
  );
  const missing = layers.filter((_, i) => !present[i]);
  const seen = new Set<Digest>();
  layers.forEach((l, i) => {
    if (seen.has(l.digest)) return;
    seen.add(l.digest);
    onProgress(
      present[i]
        ? { status: "Already exists", progressDetail: {}, id: id(l) }
        : { status: "Pulling fs layer", progressDetail: {}, id: id(l) },
    );
  });
  const unique = [...new Map(missing.map((l) => [l.digest, l])).values()];
  unique
    .slice(CONCURRENT_DOWNLOADS)
    .forEach((l) => onProgress({ status: "Waiting", progressDetail: {}, id: id(l) }));
  await runLimited(unique, CONCURRENT_DOWNLOADS, async (layer) => {
    const progress = throttledProgress(onProgress, {
      status: "Downloading",
      id: id(layer),
      total: layer.size,
    });
    await fetchBlob(f, layer, progress);
    onProgress({ status: "Verifying Checksum", progressDetail: {}, id: id(layer) });
    onProgress({ status: "Download complete", progressDetail: {}, id: id(layer) });
  });
  for (const layer of unique) onProgress({ status: "Pull complete", progressDetail: {}, id: id(layer) });
}

// Docker's words for a manifest the registry does not have or will not show.
function notFound(err: ManifestNotFound, repo: string, shown: string): RegistryError {
  if (err.code === "MANIFEST_UNKNOWN")
    return new RegistryError(`manifest for ${shown} not found: ${err.message}`, 404);
  if (
    err.code === "NAME_UNKNOWN" ||
    err.code === "UNAUTHORIZED" ||
    err.code === "DENIED" ||
    err.code === "401" ||
    err.code === "403"
  ) {
    return new RegistryError(
      `pull access denied for ${repo}, repository does not exist or may require 'docker login': ${err.message}`,
      404,
    );
  }
  return new RegistryError(err.message, 404);
}
