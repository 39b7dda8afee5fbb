// What the modules that make images (pull, load, import, commit) get from ImageService: the
// content store, the index, and pins that keep blobs of a transfer in progress from being
// collected by a concurrent `rmi` before the image row that holds them is written.
import type { Logger } from "pino";
import type { LocalContentStore } from "../content/local-store.js";
import type { Digest } from "../oci/digest.js";
import type { ImageDb, ImageRecord } from "./image-db.js";

export interface ImageStore {
  content: LocalContentStore;
  db: ImageDb;
  pins: BlobPins;
  logger: Logger;
  record(id: Digest): ImageRecord | undefined;
}

export class BlobPins {
  readonly #counts = new Map<Digest, number>();

  has(digest: Digest): boolean {
    return this.#counts.has(digest);
  }

  /** Pins `digests` while `work` runs. */
  async hold<T>(digests: Iterable<Digest>, work: () => Promise<T>): Promise<T> {
    const list = [...digests];
    for (const d of list) this.#counts.set(d, (this.#counts.get(d) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const d of list) {
        const n = (this.#counts.get(d) ?? 1) - 1;
        if (n <= 0) this.#counts.delete(d);
        else this.#counts.set(d, n);
      }
    }
  }

  /** Pins one digest until the returned function is called. */
  add(digest: Digest): () => void {
    this.#counts.set(digest, (this.#counts.get(digest) ?? 0) + 1);
    return () => {
      const n = (this.#counts.get(digest) ?? 1) - 1;
      if (n <= 0) this.#counts.delete(digest);
      else this.#counts.set(digest, n);
    };
  }
}
