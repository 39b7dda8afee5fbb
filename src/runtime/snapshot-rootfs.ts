// Container root filesystems from image layers: each image's layers are unpacked once into
// shared overlay snapshots (OverlaySnapshotter), and every container gets its own writable
// snapshot on top, keyed by the container ID.
import type { Readable } from "node:stream";
import type { Image, ImageService } from "../images/service.js";
import type { OverlaySnapshotter } from "../snapshots/overlay.js";

export class SnapshotRootfs {
  #images: Pick<ImageService, "content">;
  #snapshots: OverlaySnapshotter;

  constructor(images: Pick<ImageService, "content">, snapshots: OverlaySnapshotter) {
    this.#images = images;
    this.#snapshots = snapshots;
  }

  /** Unpacks the image's missing layers, then creates the container's writable snapshot. */
  async create(containerId: string, image: Image): Promise<void> {
    const content = this.#images.content;
    const chain = await this.#snapshots.prepareImage(
      image.layers.map((layer) => ({ diffId: layer.diffId, open: () => content.read(layer.digest) })),
    );
    await this.#snapshots.createActive(containerId, chain);
  }

  mount(containerId: string): Promise<string> {
    return this.#snapshots.mount(containerId);
  }

  unmount(containerId: string): Promise<void> {
    return this.#snapshots.unmount(containerId);
  }

  remove(containerId: string): Promise<void> {
    return this.#snapshots.removeActive(containerId);
  }

  diff(containerId: string): Readable {
    return this.#snapshots.diff(containerId);
  }

  export(containerId: string): Readable {
    return this.#snapshots.export(containerId);
  }
}
