// Images made here rather than pulled: `docker import` (a rootfs tar becomes a one-layer
// image) and `docker commit` (a container's changes become a layer on its image). Layers are
// stored gzip-compressed (a gzip input is kept as given), as Docker pushes them.
import type { Readable } from "node:stream";
import type { Digest } from "../oci/digest.js";
import type { ContainerConfig, HistoryEntry, ImageConfig } from "../oci/image-config.js";
import { hostPlatform, parsePlatform } from "../oci/platform.js";
import { formatReference, normalizeReference } from "../oci/reference.js";
import { applyChanges } from "./changes.js";
import { ImageRequestError } from "./errors.js";
import type { ImageLayer } from "./image-db.js";
import type { Image } from "./image-view.js";
import { ingestLayer } from "./layer-ingest.js";
import { flavourFor, layerMediaType, storeImage } from "./manifest-build.js";
import type { ImageStore } from "./store.js";

export interface ImportOptions {
  ref?: string;
  changes: string[];
  message?: string;
  platform?: string;
}

export interface CommitOptions {
  parent?: Image;
  /** Uncompressed OCI layer tar of the container's changes. */
  diff: Readable;
  containerConfig: Partial<ContainerConfig>;
  changes: string[];
  ref?: string;
  author?: string;
  comment?: string;
}

// The keys of a container's config that belong in an image's config.
const IMAGE_CONFIG_KEYS = [
  "User",
  "ExposedPorts",
  "Env",
  "Entrypoint",
  "Cmd",
  "Volumes",
  "WorkingDir",
  "Labels",
  "StopSignal",
  "ArgsEscaped",
  "Shell",
  "OnBuild",
  "Healthcheck",
] as const;

export async function importImage(store: ImageStore, tar: Readable, o: ImportOptions): Promise<Digest> {
  const name = targetName(o.ref);
  const platform = o.platform ? parsePlatform(o.platform) : hostPlatform();
  const config0 = applyChanges({}, o.changes);
  const created = new Date().toISOString();
  const comment = o.message || "Imported from -";
  const layer = await ingestLayer(store.content, tar, { compress: true });
  const unpin = store.pins.add(layer.digest);
  try {
    const config: ImageConfig = {
      architecture: platform.architecture,
      ...(platform.variant !== undefined && { variant: platform.variant }),
      os: platform.os,
      created,
      comment,
      config: config0,
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
      history: [{ created, comment }],
    };
    const layers: ImageLayer[] = [
      {
        digest: layer.digest,
        size: layer.size,
        diffId: layer.diffId,
        mediaType: layerMediaType("docker", layer.compressed),
      },
    ];
    return await record(store, config, layers, name);
  } finally {
    unpin();
  }
}

export async function commitImage(store: ImageStore, o: CommitOptions): Promise<Digest> {
  const name = targetName(o.ref);
  const parentLayers = o.parent?.layers ?? [];
  const flavour = flavourFor(parentLayers);
  const layer = await ingestLayer(store.content, o.diff, { compress: true });
  const unpin = store.pins.add(layer.digest);
  try {
    const created = new Date().toISOString();
    const parent = o.parent?.config;
    const merged: ContainerConfig = { ...(parent?.config ?? {}) };
    for (const key of IMAGE_CONFIG_KEYS) {
      if (o.containerConfig[key] !== undefined) Object.assign(merged, { [key]: o.containerConfig[key] });
    }
    const history: HistoryEntry = { created, created_by: (o.containerConfig.Cmd ?? []).join(" ") };
    if (o.author) history.author = o.author;
    if (o.comment) history.comment = o.comment;
    const host = hostPlatform();
    const config: ImageConfig = {
      ...(parent ?? { architecture: host.architecture, os: host.os }),
      created,
      config: applyChanges(merged, o.changes),
      rootfs: { type: "layers", diff_ids: [...(parent?.rootfs.diff_ids ?? []), layer.diffId] },
      history: [...(parent?.history ?? []), history],
    };
    if (o.author) config.author = o.author;
    else delete config.author;
    if (o.comment) config.comment = o.comment;
    else delete config.comment;
    const layers: ImageLayer[] = [
      ...parentLayers,
      {
        digest: layer.digest,
        size: layer.size,
        diffId: layer.diffId,
        mediaType: layerMediaType(flavour, layer.compressed),
      },
    ];
    return await record(store, config, layers, name);
  } finally {
    unpin();
  }
}

function targetName(ref: string | undefined): string | undefined {
  if (ref === undefined || ref === "") return undefined;
  const parsed = normalizeReference(ref);
  if (parsed.digest !== undefined)
    throw new ImageRequestError("refusing to create a tag with a digest reference");
  return formatReference(parsed);
}

async function record(
  store: ImageStore,
  config: ImageConfig,
  layers: ImageLayer[],
  name: string | undefined,
): Promise<Digest> {
  const manifest = await storeImage(store.content, config, layers, flavourFor(layers));
  store.db.put(
    {
      id: manifest.configDigest,
      manifestDigest: manifest.digest,
      manifestMediaType: manifest.mediaType,
      config,
      layers,
      blobs: [manifest.digest, manifest.configDigest, ...layers.map((l) => l.digest)],
      addedAt: Date.now(),
    },
    name === undefined ? [] : [name],
  );
  return manifest.configDigest;
}
