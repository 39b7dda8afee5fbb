// Prompt release of streamed buffers. Streaming a blob allocates a Buffer per chunk whose
// JavaScript wrapper is tiny, so V8's young generation fills slowly and the chunks' memory
// (outside the JS heap) piles up to tens of MiB before a collection frees it. A cheap minor
// collection every few MiB received keeps resident memory flat. The objects of a transfer
// (request, response, streams, promises) live for its whole length, so the young generation
// promotes them, and V8 lets that old garbage grow to several times the live heap before a
// full collection: a major collection every 256 MiB received, or every 1 GiB served
// (downloads reuse their buffers, so less is promoted), keeps the old generation near its
// live size. An "async" major collection is still a full, atomic one (only started from a
// task): 12-45 ms of the main thread on a loaded 2-core machine, so it is kept rare (it ran
// every 64 MiB, three times per 200 MiB push, for no lower peak).
// It needs `--expose-gc` (set by bin/skiff.js); without it this does nothing.

const MINOR_EVERY_BYTES = 2 * 1024 * 1024;
const MAJOR_EVERY_BYTES = 256 * 1024 * 1024;
// Served bytes weigh a quarter of received ones toward the next major collection.
const SERVED_WEIGHT = 4;
let sinceMinor = 0;
let sinceMajor = 0;

type Gc = (options: { type: "minor" | "major"; execution: "sync" | "async" }) => unknown;

function collect(type: "minor" | "major"): void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) return;
  const done = gc({ type, execution: type === "minor" ? "sync" : "async" });
  if (done instanceof Promise) done.catch(() => {});
}

/** Records that `bytes` were received through a stream, collecting once enough have. */
export function noteStreamedBytes(bytes: number): void {
  sinceMinor += bytes;
  if (sinceMinor >= MINOR_EVERY_BYTES) {
    sinceMinor = 0;
    collect("minor");
  }
  noteMoved(bytes);
}

/** Records that `bytes` were sent from reused buffers (no per-chunk garbage, only promoted objects). */
export function noteServedBytes(bytes: number): void {
  noteMoved(bytes / SERVED_WEIGHT);
}

function noteMoved(weight: number): void {
  sinceMajor += weight;
  if (sinceMajor < MAJOR_EVERY_BYTES) return;
  sinceMajor = 0;
  collect("major");
}
