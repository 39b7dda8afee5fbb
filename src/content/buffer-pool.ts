// A small free list of equal-sized buffers for streaming blobs to and from disk. A buffer
// allocated per request lives as long as the request, so V8 promotes it to the old generation
// and its memory (outside the JS heap) waits for a major collection: a few MiB per layer
// pushed or pulled. Taking buffers from here and giving them back makes no such garbage.

export interface BufferPoolOptions {
  /** Size of every buffer, in bytes. */
  size: number;
  /** Free buffers kept for reuse; buffers given back beyond this are left to the GC. */
  keep: number;
}

export class BufferPool {
  readonly size: number;
  readonly #keep: number;
  readonly #free: Buffer[] = [];

  constructor(options: BufferPoolOptions) {
    this.size = options.size;
    this.#keep = options.keep;
  }

  /** A buffer of `size` bytes with unspecified content, owned by the caller until `give`. */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Returns a buffer that nothing (no pending write) uses any more. */
  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.#free.length < this.#keep) this.#free.push(buffer);
  }

  /** Free buffers held now (for tests). */
  get freeCount(): number {
    return this.#free.length;
  }
}
