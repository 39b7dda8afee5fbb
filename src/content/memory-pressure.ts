// Prompt release of streamed buffers. Streaming a blob allocates a Buffer per chunk whose
// JavaScript wrapper is tiny, so V8's young generation fills slowly and the chunks' memory
// (outside the JS heap) piles up to tens of MiB before a collection frees it. A cheap minor
// collection every few MiB streamed keeps resident memory flat. It needs `--expose-gc`
// (set by bin/skiff.js); without it this does nothing.

const EVERY_BYTES = 2 * 1024 * 1024;
let sinceLast = 0;

type MinorGc = (options: { type: "minor"; execution: "sync" }) => void;

/** Records that `bytes` went through a stream, collecting once enough have. */
export function noteStreamedBytes(bytes: number): void {
  sinceLast += bytes;
  if (sinceLast < EVERY_BYTES) return;
  sinceLast = 0;
  (globalThis as { gc?: MinorGc }).gc?.({ type: "minor", execution: "sync" });
}
