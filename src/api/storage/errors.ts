// The storage layer's own failures. Plain Errors with a stable `name`: the registry maps them
// to Kubernetes Status errors (AlreadyExists, NotFound, Conflict, Gone).
import type { StoredObject } from "./store.js";

class StoreError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class KeyExistsError extends StoreError {
  constructor(readonly key: string) {
    super("KeyExistsError", `key exists: ${key}`);
  }
}

export class KeyNotFoundError extends StoreError {
  constructor(readonly key: string) {
    super("KeyNotFoundError", `key not found: ${key}`);
  }
}

/** A compare-and-swap lost: `current` is what the key holds now. */
export class RevisionMismatchError extends StoreError {
  constructor(
    key: string,
    readonly current: StoredObject,
  ) {
    super("RevisionMismatchError", `revision mismatch on ${key}: now at ${current.modRevision}`);
  }
}

/** A read or watch asked for history older than what is kept. */
export class CompactedError extends StoreError {
  constructor(
    readonly revision: number,
    readonly compacted: number,
  ) {
    super(
      "CompactedError",
      `required revision ${revision} has been compacted (history starts after ${compacted})`,
    );
  }
}
