// Errors of the snapshotter. The engine maps `statusCode` to HTTP; messages name the layer or
// entry at fault so a user can tell a corrupt image from a bug.

export class SnapshotError extends Error {
  readonly statusCode: number = 500;
}

/** A snapshot key (container ID or chain ID) that is not recorded. */
export class SnapshotNotFoundError extends SnapshotError {
  override readonly statusCode = 404;
  constructor(readonly key: string) {
    super(`snapshot ${key} does not exist`);
  }
}

export class SnapshotExistsError extends SnapshotError {
  override readonly statusCode = 409;
  constructor(readonly key: string) {
    super(`snapshot ${key} already exists`);
  }
}

/** A layer that cannot be applied: bad tar, unsafe entry, digest mismatch, unsupported compression. */
export class LayerError extends SnapshotError {
  override readonly statusCode = 500;
  constructor(
    readonly diffId: string,
    reason: string,
  ) {
    super(`failed to register layer ${diffId}: ${reason}`);
  }
}

/** A tar entry that would write outside the root; it fails the whole layer. */
export class UnsafeEntryError extends Error {
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`refusing tar entry ${JSON.stringify(entry.slice(0, 300))}: ${reason}`);
  }
}
