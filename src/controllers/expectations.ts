// client-go's (UID-tracking) ControllerExpectations: the creations and deletions a controller has
// in flight per key, so that a sync running before the informer has seen its own writes does not
// create or delete the same pods again. Records expire after a TTL (a lost watch event must not
// wedge the controller forever).
import { systemClock, type Clock } from "./clock.js";

const DEFAULT_TTL_MS = 5 * 60 * 1000;

interface Expected {
  add: number;
  del: number;
  /** Keys (namespace/name) of the objects whose deletion is awaited. */
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #records = new Map<string, Expected>();

  constructor(o: { clock?: Clock; ttlMs?: number } = {}) {
    this.#clock = o.clock ?? systemClock;
    this.#ttlMs = o.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** True when nothing is in flight for `key` (or the record expired): the cache can be trusted. */
  satisfied(key: string): boolean {
    const r = this.#records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.#clock.now().getTime() - r.at > this.#ttlMs;
  }

  /** Replaces the record: `n` creations are about to be issued. */
  expectCreations(key: string, n: number): void {
    this.expect(key, n, []);
  }

  /** Replaces the record: the objects `objectKeys` are about to be deleted. */
  expectDeletions(key: string, objectKeys: readonly string[]): void {
    this.expect(key, 0, objectKeys);
  }

  /** Replaces the record: `add` creations and the deletion of `deleting` are about to be issued. */
  expect(key: string, add: number, deleting: readonly string[]): void {
    this.#records.set(key, {
      add,
      del: deleting.length,
      deleting: new Set(deleting),
      at: this.#clock.now().getTime(),
    });
  }

  creationObserved(key: string): void {
    const r = this.#records.get(key);
    if (r) r.add--;
  }

  /** A deletion was seen; counts only if `objectKey` was one this controller is waiting for. */
  deletionObserved(key: string, objectKey: string): void {
    const r = this.#records.get(key);
    if (r?.deleting.delete(objectKey)) r.del--;
  }

  /** A create that failed (or was skipped) will never be observed. */
  creationSkipped(key: string, n = 1): void {
    const r = this.#records.get(key);
    if (r) r.add -= n;
  }

  /** A delete that failed will never be observed. */
  deletionSkipped(key: string, objectKey: string): void {
    this.deletionObserved(key, objectKey);
  }

  /** Forgets `key` (its owner is gone). */
  delete(key: string): void {
    this.#records.delete(key);
  }

  /** What is still expected for `key` (for tests and logs). */
  pending(key: string): { add: number; del: number } | undefined {
    const r = this.#records.get(key);
    return r && { add: r.add, del: r.del };
  }
}
