// Gives back the heap a burst of work grew once the process is quiet. V8 keeps the old generation
// it grew until its memory reducer sees an idle process, which a server with leases, watches and
// status updates rarely is; one compacting full collection when the event loop has been nearly
// idle for a moment and the heap has grown well past what the last one left returns it at no
// cost to latency. Needs `--expose-gc` (set by bin/skiff.js); without it this does nothing.
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import type { Logger } from "pino";

export interface QuietGcOptions {
  /** How often to look (ms). */
  intervalMs?: number;
  /** The event loop's busy share over the last interval at or below which the process is quiet. */
  quietUtilization?: number;
  /** Growth of the used or the committed heap since the last collection that makes one worth it (bytes). */
  growthBytes?: number;
  gc?: () => void;
  heap?: () => HeapSize;
  /** The event loop's busy share since the previous call (0–1). */
  utilization?: () => number;
  /** Told of each collection, with the committed heap before and after (for a debug log line). */
  onCollect?: (c: { beforeBytes: number; afterBytes: number; ms: number }) => void;
}

/** The V8 heap: bytes its objects use, and bytes it holds from the system. */
export interface HeapSize {
  used: number;
  committed: number;
}

export class QuietGc {
  readonly #gc: (() => void) | undefined;
  readonly #heap: () => HeapSize;
  readonly #utilization: () => number;
  readonly #quiet: number;
  readonly #growth: number;
  readonly #intervalMs: number;
  readonly #onCollect: QuietGcOptions["onCollect"];
  #baseline: HeapSize;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: QuietGcOptions = {}) {
    this.#gc = "gc" in o ? o.gc : compactingGc((globalThis as { gc?: () => void }).gc);
    this.#heap = o.heap ?? v8Heap;
    this.#utilization = o.utilization ?? eventLoopUtilization();
    // A full collection of a ~100 MiB heap pauses the loop for tens of ms: fine when it is busy
    // a fifth of the time or less (leases, status updates and watches keep a server above 5%).
    this.#quiet = o.quietUtilization ?? 0.2;
    this.#growth = o.growthBytes ?? 16 * 1024 * 1024;
    this.#intervalMs = o.intervalMs ?? 2000;
    this.#onCollect = o.onCollect;
    this.#baseline = this.#heap();
  }

  start(): void {
    if (this.#gc === undefined || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.check(), this.#intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look: collects when quiet and grown; true when it did. */
  check(): boolean {
    const busy = this.#utilization();
    if (this.#gc === undefined || busy > this.#quiet) return false;
    const before = this.#heap();
    // Committed growth counts too: V8's own full collections free objects but keep the pages a
    // burst made them commit, so the used heap can stay flat while the process holds far more.
    const grown =
      before.used - this.#baseline.used >= this.#growth ||
      before.committed - this.#baseline.committed >= this.#growth;
    if (!grown) return false;
    const t0 = performance.now();
    this.#gc();
    this.#baseline = this.#heap();
    this.#onCollect?.({
      beforeBytes: before.committed,
      afterBytes: this.#baseline.committed,
      ms: performance.now() - t0,
    });
    return true;
  }
}

const MiB = 1024 * 1024;

function v8Heap(): HeapSize {
  const s = getHeapStatistics();
  return { used: s.used_heap_size, committed: s.total_heap_size };
}

/**
 * `gc` that also compacts: a plain full collection leaves the survivors spread over the pages the
 * burst committed (measured: 71 → 51 MiB of old space for 32 MiB live); evacuating them all lets
 * V8 give every freed page back (→ 33 MiB). The flag is on only for this one collection.
 */
function compactingGc(gc: (() => void) | undefined): (() => void) | undefined {
  if (gc === undefined) return undefined;
  return () => {
    setFlagsFromString("--compact-on-every-full-gc");
    try {
      gc();
    } finally {
      setFlagsFromString("--no-compact-on-every-full-gc");
    }
  };
}

/** A debug line per collection. */
export function quietGcLog(logger: Logger): NonNullable<QuietGcOptions["onCollect"]> {
  return (c) =>
    logger.debug(
      {
        committedMiB: Math.round(c.beforeBytes / MiB),
        afterMiB: Math.round(c.afterBytes / MiB),
        ms: Math.round(c.ms),
      },
      "heap collected while quiet",
    );
}

/** The event loop's busy share between calls. */
function eventLoopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}
