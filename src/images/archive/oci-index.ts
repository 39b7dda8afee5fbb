// The OCI side of an archive: finding the stored manifest of a config (so a loaded image keeps
// its manifest digest), and images of an archive that has only index.json (an OCI layout).
import type { Digest } from "../../oci/digest.js";
import { parseImageConfig, type ImageConfig } from "../../oci/image-config.js";
import { hostPlatform, pickManifest } from "../../oci/platform.js";
import { formatReference, normalizeReference } from "../../oci/reference.js";
import type { ImageLayer } from "../image-db.js";
import type { ImageStore } from "../store.js";
import { parseFetched, type FetchedManifest } from "../registry-client/manifest-fetch.js";
import type { ArchiveContents } from "./load.js";

const NAME_ANNOTATION = "io.containerd.image.name";
const REF_ANNOTATION = "org.opencontainers.image.ref.name";

async function readManifest(store: ImageStore, digest: Digest): Promise<FetchedManifest | undefined> {
  const bytes = await store.content.readAll(digest).catch(() => undefined);
  return bytes && parseFetched(bytes, digest, undefined);
}

/** Every image manifest the archive's index.json leads to (through nested indexes, host platform). */
async function indexManifests(
  store: ImageStore,
  contents: ArchiveContents,
): Promise<Array<{ manifest: FetchedManifest; annotations: Record<string, string> }>> {
  const bytes = contents.metadata.get("index.json");
  if (bytes === undefined) return [];
  const index = parseFetched(bytes, "sha256:0" as Digest, undefined);
  const out: Array<{ manifest: FetchedManifest; annotations: Record<string, string> }> = [];
  for (const entry of index.manifests) {
    let manifest = await readManifest(store, entry.digest);
    for (let depth = 0; manifest?.isIndex && depth < 4; depth++) {
      const pick = pickManifest(manifest.manifests, hostPlatform());
      manifest = pick && (await readManifest(store, pick.digest));
    }
    if (manifest && !manifest.isIndex) out.push({ manifest, annotations: entry.annotations ?? {} });
  }
  return out;
}

export async function manifestForConfig(
  store: ImageStore,
  contents: ArchiveContents,
  config: Digest,
): Promise<FetchedManifest | undefined> {
  return (await indexManifests(store, contents)).find((m) => m.manifest.config?.digest === config)?.manifest;
}

export interface FoundImage {
  config: ImageConfig;
  layers: ImageLayer[];
  names: string[];
  manifest: { digest: Digest; mediaType: string };
}

export async function imagesFromIndex(store: ImageStore, contents: ArchiveContents): Promise<FoundImage[]> {
  const found = new Map<Digest, FoundImage>();
  for (const { manifest, annotations } of await indexManifests(store, contents)) {
    const config = parseImageConfig(await store.content.readAll(manifest.config!.digest));
    const image = found.get(manifest.digest) ?? {
      config,
      layers: manifest.layers.map((l, i) => ({
        digest: l.digest,
        size: l.size,
        mediaType: l.mediaType,
        diffId: config.rootfs.diff_ids[i]!,
      })),
      names: [],
      manifest: { digest: manifest.digest, mediaType: manifest.mediaType },
    };
    const refName = annotations[REF_ANNOTATION];
    // ref.name is often just a tag; only a full reference names a repository.
    const name =
      annotations[NAME_ANNOTATION] ?? (refName !== undefined && /[/:]/.test(refName) ? refName : undefined);
    if (name !== undefined) {
      try {
        image.names.push(formatReference(normalizeReference(name)));
      } catch {
        // Not a reference: the image loads without a name.
      }
    }
    found.set(manifest.digest, image);
  }
  return [...found.values()];
}
