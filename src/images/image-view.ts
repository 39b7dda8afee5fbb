// What the engine sees of an image: `Image` (familiar names, layers, size) and Docker's
// history entries, built from the stored records.
import type { Digest } from "../oci/digest.js";
import type { ImageConfig } from "../oci/image-config.js";
import { familiarString, parseReference } from "../oci/reference.js";
import type { ImageLayer, ImageRecord } from "./image-db.js";

export type { ImageLayer };

export interface Image {
  id: Digest;
  manifestDigest: Digest;
  /** Familiar: `busybox:latest`, `127.0.0.1:5000/app:v1`. */
  repoTags: string[];
  /** `127.0.0.1:5000/app@sha256:…`. */
  repoDigests: string[];
  config: ImageConfig;
  layers: ImageLayer[];
  /** Bytes of the layer blobs as stored. */
  size: number;
}

/** One entry of GET /images/{name}/history. */
export interface DockerHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export function toImage(record: ImageRecord, names: readonly string[]): Image {
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const name of names) {
    const ref = parseReference(name);
    (ref.digest === undefined ? repoTags : repoDigests).push(familiarString(ref));
  }
  return {
    id: record.id,
    manifestDigest: record.manifestDigest,
    repoTags,
    repoDigests,
    config: record.config,
    layers: record.layers,
    size: record.layers.reduce((sum, l) => sum + l.size, 0),
  };
}

/** Docker's history: newest first, the image ID on the top entry and `<missing>` below. */
export function historyOf(image: Image): DockerHistoryEntry[] {
  const history = image.config.history ?? [];
  const entries: DockerHistoryEntry[] = [];
  let layer = 0;
  const source =
    history.length > 0
      ? history
      : image.layers.map(() => ({ created: image.config.created, created_by: "", comment: "" }));
  for (const h of source) {
    const empty = "empty_layer" in h && h.empty_layer === true;
    const size = empty ? 0 : (image.layers[layer++]?.size ?? 0);
    entries.push({
      Id: "<missing>",
      Created: h.created === undefined ? 0 : Math.floor(Date.parse(h.created) / 1000),
      CreatedBy: h.created_by ?? "",
      Tags: null,
      Size: size,
      Comment: h.comment ?? "",
    });
  }
  entries.reverse();
  if (entries[0]) {
    entries[0].Id = image.id;
    entries[0].Tags = image.repoTags.length > 0 ? image.repoTags : null;
  }
  return entries;
}
