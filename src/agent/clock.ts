// Time for the node agent: the current time and timers, injected so that back-off, probes and
// lease renewal can be driven by a fake clock in tests.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds (never keeps the process alive). */
  setTimer(fn: () => void, ms: number): Timer;
}

export const realClock: Clock = {
  now: () => new Date(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Kubernetes' Time: RFC 3339 in whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Kubernetes' MicroTime: RFC 3339 with six fraction digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
