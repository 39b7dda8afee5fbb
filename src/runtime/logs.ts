// Reading a container's CRI k8s-file log (see logs-format.ts) as a stream of records:
// `tail` (last N records, found by reading backwards), `since`/`until` (unix seconds, may be
// fractional; since is inclusive, reading stops at the first record after until), and
// `follow`, which keeps reading as conmon appends until the signal aborts or `stopWhen`
// settles (the container exited) and everything written by then has been read. Never holds
// more than one read buffer and one unfinished line in memory.
import { watch, type FSWatcher } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { parseLogLine, type LogEntry } from "./logs-format.js";
import { tailOffset } from "./logs-tail.js";

export { parseLogLine, parseTimestamp, formatLogLine, type LogEntry } from "./logs-format.js";

export interface ReadLogsOptions {
  follow: boolean;
  tail?: number; // last N records; undefined or negative: all
  since?: number; // unix seconds
  until?: number; // unix seconds
  signal?: AbortSignal;
  /** With follow: stop once this settles and the log is drained (e.g. the container's exit). */
  stopWhen?: Promise<unknown>;
}

const READ_CHUNK = 64 * 1024;
/** A fallback poll while following, for changes fs.watch does not report. */
const FOLLOW_POLL_MS = 500;

export async function* readLogs(path: string, o: ReadLogsOptions): AsyncGenerator<LogEntry> {
  if (o.signal?.aborted) return;
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    // conmon creates the log at create; a container without one has no output.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const follower = o.follow ? new Follower(path, o) : undefined;
  try {
    const size = (await fh.stat()).size;
    let pos = o.tail !== undefined && o.tail >= 0 ? await tailOffset(fh, size, o.tail) : 0;
    let rest: Buffer = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        let data =
          rest.length > 0 ? Buffer.concat([rest, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        let nl: number;
        while ((nl = data.indexOf(0x0a)) >= 0) {
          const entry = parseLogLine(data.subarray(0, nl));
          data = data.subarray(nl + 1);
          if (entry === undefined) continue;
          if (o.since !== undefined && entry.seconds < o.since) continue;
          if (o.until !== undefined && entry.seconds > o.until) return;
          yield entry;
          if (o.signal?.aborted) return;
        }
        rest = Buffer.from(data); // copy: buf is reused by the next read
        continue;
      }
      // At the end of what is written so far.
      if (follower === undefined) return;
      const size2 = (await fh.stat()).size;
      if (size2 < pos) {
        pos = 0; // truncated (conmon reopened the log): start over
        rest = Buffer.alloc(0);
        continue;
      }
      if (size2 > pos) continue;
      if (follower.stopped) return;
      const woke = await follower.next();
      if (woke === "abort") return;
      // "stop": loop once more to drain what was written before the exit, then end.
      if (woke === "stop") follower.stopped = true;
    }
  } finally {
    follower?.close();
    await fh.close();
  }
}

type Wake = "change" | "stop" | "abort";

/** Wakes the reader when the file changes, stopWhen settles, the signal aborts, or on a poll. */
class Follower {
  stopped = false;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout;
  #waiting: ((w: Wake) => void) | undefined;
  #pending: Wake | undefined;
  #stopSettled = false;
  #signal: AbortSignal | undefined;
  #onAbort = (): void => this.#wake("abort");

  constructor(path: string, o: ReadLogsOptions) {
    try {
      this.#watcher = watch(path, { persistent: false }, () => this.#wake("change"));
      this.#watcher.on("error", () => undefined);
    } catch {
      // fall back to polling
    }
    this.#timer = setInterval(() => this.#wake("change"), FOLLOW_POLL_MS);
    this.#signal = o.signal;
    o.signal?.addEventListener("abort", this.#onAbort);
    const settle = (): void => {
      this.#stopSettled = true;
      this.#wake("stop");
    };
    o.stopWhen?.then(settle, settle);
  }

  next(): Promise<Wake> {
    if (this.#signal?.aborted) return Promise.resolve("abort");
    if (this.#stopSettled && !this.stopped) return Promise.resolve("stop");
    const p = this.#pending;
    if (p !== undefined) {
      this.#pending = undefined;
      return Promise.resolve(p);
    }
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  #wake(w: Wake): void {
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting(w);
    } else if (this.#pending !== "abort" && this.#pending !== "stop") {
      this.#pending = w;
    }
  }

  close(): void {
    this.#watcher?.close();
    clearInterval(this.#timer);
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#wake("abort");
  }
}
