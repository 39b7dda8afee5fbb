// Memory and CPU of one process, read from /proc/PID while it runs.
import { readFileSync } from "node:fs";

/** /proc reports CPU time in USER_HZ ticks, which is 100 on every Linux ABI. */
const USER_HZ = 100;

export interface ProcessUsage {
  /** Largest VmRSS seen by sampling, in bytes. */
  sampledPeakRss: number;
  /** The kernel's own high-water mark (VmHWM) read at stop(), in bytes; 0 if unreadable. */
  hwm: number;
  /** max(sampledPeakRss, hwm). */
  peakRss: number;
  /** User + system CPU seconds used between start() and stop(). */
  cpuSeconds: number;
  samples: number;
}

/**
 * Samples VmRSS of `pid` every `intervalMs` from start() until stop(). Call stop() while
 * the process still runs, or VmHWM and the CPU time are lost.
 */
export class ProcessSampler {
  readonly #pid: number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #peak = 0;
  #samples = 0;
  #cpuStart = 0;

  constructor(pid: number, intervalMs = 50) {
    this.#pid = pid;
    this.#intervalMs = intervalMs;
  }

  /** The largest VmRSS sampled so far, in bytes: logged after each step to show which one peaks. */
  get peakSoFar(): number {
    return this.#peak;
  }

  start(): void {
    this.#cpuStart = cpuTicks(this.#pid) ?? 0;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
  }

  stop(): ProcessUsage {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    const hwm = statusField(this.#pid, "VmHWM") ?? 0;
    const cpuEnd = cpuTicks(this.#pid) ?? this.#cpuStart;
    return {
      sampledPeakRss: this.#peak,
      hwm,
      peakRss: Math.max(this.#peak, hwm),
      cpuSeconds: (cpuEnd - this.#cpuStart) / USER_HZ,
      samples: this.#samples,
    };
  }

  #sample(): void {
    const rss = statusField(this.#pid, "VmRSS");
    if (rss === undefined) return;
    this.#samples++;
    if (rss > this.#peak) this.#peak = rss;
  }
}

/** A "kB" field of /proc/PID/status in bytes, or undefined when the process is gone. */
function statusField(pid: number, field: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** User + system CPU seconds `pid` has used so far, or undefined when it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  const ticks = cpuTicks(pid);
  return ticks === undefined ? undefined : ticks / USER_HZ;
}

/**
 * User + system CPU seconds of this process's children that have exited and been waited for
 * (cutime + cstime): the difference around a step is what the programs it ran (skopeo, curl) used.
 */
export function exitedChildrenCpuSeconds(): number {
  const fields = statFields(process.pid) ?? [];
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** utime + stime of /proc/PID/stat in clock ticks. */
function cpuTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[11]) + Number(fields[12]);
}

/** The fields of /proc/PID/stat after the command name (so index 0 is the state, field 3). */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces; fields after its closing paren are fixed.
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}
