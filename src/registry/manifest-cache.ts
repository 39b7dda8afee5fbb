// A small byte-bounded LRU of manifest bodies by digest. Manifests are immutable once
// pushed, so a cached body never goes stale; this keeps manifest GETs off the disk.
import type { Digest } from "../oci/digest.js";

export class ManifestCache {
  readonly #entries = new Map<Digest, Buffer>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = 16 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  get(digest: Digest): Buffer | undefined {
    const body = this.#entries.get(digest);
    if (body !== undefined) {
      // Re-insert to mark as most recently used.
      this.#entries.delete(digest);
      this.#entries.set(digest, body);
    }
    return body;
  }

  set(digest: Digest, body: Buffer): void {
    if (body.length > this.#maxBytes / 4 || this.#entries.has(digest)) return;
    this.#entries.set(digest, body);
    this.#bytes += body.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.length;
    }
  }

  delete(digest: Digest): void {
    const body = this.#entries.get(digest);
    if (body === undefined) return;
    this.#entries.delete(digest);
    this.#bytes -= body.length;
  }
}
