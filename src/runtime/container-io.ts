// A container's output and stdio: logs (the CRI log conmon writes, followed until the
// container exits), attach (optionally replaying the log first), resize, top and stats.
import type { AttachStream } from "./attach.js";
import { readStats, type DockerStats } from "./cgroups.js";
import { emptyCpuStats } from "./cgroups-types.js";
import { ContainerAttach } from "./container-attach.js";
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { ConflictError, notRunning } from "./container-errors.js";
import { isRunning } from "./container-status.js";
import type { ContainerTopResponse } from "./docker-api-types.js";
import { readLogs, type LogEntry } from "./logs.js";

export interface LogsOptions {
  follow?: boolean;
  stdout?: boolean; // default true
  stderr?: boolean; // default true
  tail?: number; // < 0 or undefined: all
  since?: number; // unix seconds
  until?: number;
  signal?: AbortSignal;
}

export async function* containerLogs(e: ContainerEntry, o: LogsOptions): AsyncGenerator<LogEntry> {
  const follow = o.follow === true && isRunning(e.rec.state);
  const exit = follow ? e.nextExitCancellable() : undefined;
  const wantOut = o.stdout ?? true;
  const wantErr = o.stderr ?? true;
  try {
    for await (const entry of readLogs(e.paths.log, {
      follow,
      ...(o.tail !== undefined ? { tail: o.tail } : {}),
      ...(o.since !== undefined ? { since: o.since } : {}),
      ...(o.until !== undefined ? { until: o.until } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(exit ? { stopWhen: exit.exited } : {}),
    })) {
      if (entry.stream === "stdout" ? wantOut : wantErr) yield entry;
    }
  } finally {
    exit?.cancel();
  }
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
}

export async function attachContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: AttachOptions,
): Promise<AttachStream> {
  if (e.rec.state.status === "paused")
    throw new ConflictError(`You cannot attach to a paused container, unpause it first`);
  const a = new ContainerAttach({
    stdout: o.stdout,
    stderr: o.stderr,
    stdin: o.stdin && e.rec.config.OpenStdin === true,
    connector: (bundle) => ctx.deps.runtime.attach(bundle),
  });
  if (o.logs) {
    for await (const entry of readLogs(e.paths.log, { follow: false })) a.push(entry.stream, entry.line);
  }
  if (!o.stream) {
    a.end();
    return a;
  }
  if (e.rec.state.status === "running") await a.connect(e.paths.bundle);
  else e.pendingAttach.push(a); // connected by the next start, right before runc start
  return a;
}

export async function resizeContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  size: { height: number; width: number },
): Promise<void> {
  if (!isRunning(e.rec.state) || e.rec.state.status === "restarting") throw notRunning(e.rec.id);
  if (e.rec.config.Tty !== true) return; // no terminal to resize; Docker ignores it too
  await ctx.deps.runtime.resize(e.paths.bundle, size);
}

export async function topContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  psArgs: string | undefined,
): Promise<ContainerTopResponse> {
  if (!isRunning(e.rec.state) || e.rec.state.status === "restarting") throw notRunning(e.rec.id);
  return ctx.deps.runtime.top(e.rec.id, psArgs);
}

const STATS_INTERVAL_MS = 1000;

/** One sample (stream false) or one a second until the signal aborts or the container stops. */
export async function* containerStats<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: { stream: boolean; signal?: AbortSignal },
): AsyncGenerator<DockerStats> {
  let previous: DockerStats | undefined;
  const name = () => `/${e.rec.name}`;
  for (;;) {
    if (o.signal?.aborted) return;
    const running = e.rec.state.status === "running" || e.rec.state.status === "paused";
    const sample: DockerStats = running
      ? await readStats(ctx.cgroupsPath(e.rec.id), {
          pid: e.rec.state.pid,
          id: e.rec.id,
          name: name(),
          ...(previous ? { previous } : {}),
        })
      : emptyStats(e.rec.id, name());
    yield sample;
    previous = sample;
    if (!o.stream || !running) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, STATS_INTERVAL_MS);
      o.signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/** What Docker sends for a container that is not running: zero counters, zero read time. */
function emptyStats(id: string, name: string): DockerStats {
  const zero = "0001-01-01T00:00:00Z";
  return {
    id,
    name,
    read: zero,
    preread: zero,
    pids_stats: {},
    blkio_stats: {},
    num_procs: 0,
    storage_stats: {},
    cpu_stats: emptyCpuStats(),
    precpu_stats: emptyCpuStats(),
    memory_stats: {},
  };
}
