// The manifests Skiff writes for images it makes itself (import, commit, load of archives
// without one): Docker's schema 2 unless a layer is already an OCI one, then OCI throughout.
import type { ContentStore } from "../content/store.js";
import type { Digest } from "../oci/digest.js";
import { serializeImageConfig, type ImageConfig } from "../oci/image-config.js";
import { MediaType } from "../oci/media-types.js";
import type { ImageLayer } from "./image-db.js";

export type ManifestFlavour = "docker" | "oci";

const DOCKER_UNCOMPRESSED_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

/** The flavour a new image on top of `layers` should have. */
export function flavourFor(layers: readonly ImageLayer[]): ManifestFlavour {
  return layers.some((l) => l.mediaType.startsWith("application/vnd.oci.")) ? "oci" : "docker";
}

export function layerMediaType(flavour: ManifestFlavour, compressed: boolean): string {
  if (flavour === "oci") return compressed ? MediaType.ociLayerGzip : MediaType.ociLayer;
  return compressed ? MediaType.dockerLayerGzip : DOCKER_UNCOMPRESSED_LAYER;
}

export interface StoredManifest {
  digest: Digest;
  mediaType: string;
  size: number;
  configDigest: Digest;
}

/** Stores the config and a manifest for it and `layers`; returns the manifest's descriptor. */
export async function storeImage(
  content: ContentStore,
  config: ImageConfig,
  layers: readonly ImageLayer[],
  flavour: ManifestFlavour,
): Promise<StoredManifest> {
  const configBytes = serializeImageConfig(config);
  const configInfo = await content.put(configBytes);
  const mediaType = flavour === "oci" ? MediaType.ociManifest : MediaType.dockerManifest;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: flavour === "oci" ? MediaType.ociConfig : MediaType.dockerConfig,
      digest: configInfo.digest,
      size: configInfo.size,
    },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const info = await content.put(bytes);
  return { digest: info.digest, mediaType, size: info.size, configDigest: configInfo.digest };
}
