// Long-running child processes (servers) for tests and benchmarks: free ports, collected
// output lines, graceful stop with a deadline, and no orphans when the test process exits.
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

/** Splits a stream into lines, calling `onLine` for each complete one. */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) onLine(part);
  });
  stream.on("end", () => {
    if (rest !== "") onLine(rest);
    rest = "";
  });
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Sends `signal` and waits up to `graceMs` for the child to exit, then SIGKILLs it and waits
 * again. Safe to call on a child that already exited, and more than once.
 */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const late = await Promise.race([exited(child).then(() => false), timedOut]);
  if (timer) clearTimeout(timer);
  if (late) {
    child.kill("SIGKILL");
    await exited(child);
  }
}

/** SIGKILLs the child if the current process exits first; returns a function that cancels this. */
export function killOnExit(child: ChildProcess): () => void {
  const hook = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", hook);
  const cancel = (): void => {
    process.removeListener("exit", hook);
  };
  child.once("exit", cancel);
  return cancel;
}

/**
 * Polls `probe` every 20 ms until it returns a value; rejects after `timeoutMs` ("no WHAT
 * within N ms") or as soon as `failed()` returns a reason.
 */
export async function waitUntil<T>(
  probe: () => T | undefined,
  opts: { timeoutMs: number; what: string; failed?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    const why = opts.failed?.();
    if (why !== undefined) throw new Error(why);
    if (Date.now() >= deadline) throw new Error(`no ${opts.what} within ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `url` until it answers with one of `statuses`; rejects after `timeoutMs` or when `failed()` says so. */
export async function waitForHttp(
  url: string,
  opts: { statuses: number[]; timeoutMs: number; failed?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    const why = opts.failed?.();
    if (why !== undefined) throw new Error(why);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (opts.statuses.includes(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${opts.timeoutMs} ms (${last})`);
}
