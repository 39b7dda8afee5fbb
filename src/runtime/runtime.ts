// Runtime: the low level of running containers. It drives conmon (which keeps the container's
// stdio, log and exit code, and outlives Skiff) and runc (create/start/kill/state/delete) for
// one container or exec at a time, and knows nothing of Docker. All state lives on disk
// (runc's --root, conmon's exit and persist dirs), so a new Runtime after a server restart can
// wait for, kill, attach to or exec in containers an earlier one created.
//
//   const rt = new Runtime({ execRoot: "/run/skiff", logger });
//   await rt.create(id, { bundleDir, spec: buildSpec({...}), logPath, exitDir, persistDir, stdin, tty });
//   const stream = await rt.attach(bundleDir);          // optional, before start to miss nothing
//   await rt.start(id);
//   const { exitCode, oomKilled } = await rt.waitExit(exitDir, id, undefined, { persistDir });
//   await rt.delete(id, { force: false });
//
// Layout: EXEC_ROOT/runc (runc --root), EXEC_ROOT/conmon/<id> (symlink to the bundle; holds
// conmon's attach socket), BUNDLE/{config.json,ctl,winsz,pidfile,conmon.pid}.
import { mkdir, readFile, rm, writeFile, rename, open } from "node:fs/promises";
import { constants as fsConstants, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { openAttach, type AttachStream } from "./attach.js";
import { startConmon, DEFAULT_CONMON_PATH, ConmonError } from "./conmon.js";
import { runExec, type ExecHandle, type ExecOptions } from "./exec.js";
import type { OciSpec } from "./oci-spec-types.js";
import { Runc, DEFAULT_RUNC_PATH } from "./runc.js";
import { waitExitFile, type ExitStatus } from "./conmon-exit.js";
import { startThroughFifo } from "./exec-fifo.js";
import { PhaseTimer } from "./phase-timer.js";

import { listProcesses, type DockerTop } from "./top.js";

export type { AttachStream, StdStream } from "./attach.js";
export { buildSpec, readHostRlimits, resolveUser, UserNotFoundError, type SpecOptions } from "./spec.js";
export { readLogs, type LogEntry, type ReadLogsOptions } from "./logs.js";
export { readStats, type DockerStats } from "./cgroups.js";
export { listProcesses, TopError, type DockerTop } from "./top.js";
export type { OciSpec, OciProcess } from "./oci-spec-types.js";
export type { ExecHandle, ExecOptions } from "./exec.js";
export type { ExitStatus } from "./conmon-exit.js";
export { RuncError } from "./runc.js";
export { ConmonError } from "./conmon.js";

export interface CreateOptions {
  bundleDir: string; // config.json is written here
  spec: OciSpec;
  logPath: string; // CRI k8s-file log, appended to
  exitDir: string; // conmon writes the exit code to EXIT_DIR/<id>
  persistDir: string; // conmon writes `exit` and `oom` here
  stdin: boolean; // keep a stdin pipe open for attach (Docker's OpenStdin)
  tty: boolean; // spec.process.terminal must match
  /** Keep stdin open when an attached client disconnects (Docker's StdinOnce=false). Default true. */
  leaveStdinOpen?: boolean;
}

export interface ContainerState {
  status: "created" | "running" | "paused" | "stopped";
  pid: number;
}

export class Runtime {
  readonly execRoot: string;
  readonly runc: Runc;
  readonly conmonPath: string;
  readonly #logger: Logger;
  readonly #monitorProcs: string[];
  /** The directories every container shares (conmon's sockets, runc's root), made once. */
  #shared: Promise<unknown> | undefined;

  /**
   * `monitorCgroup` (default "skiff-conmon"; false: none) is the cgroup the conmon processes
   * move to, out of the server's own, so that stopping the server's cgroup (a systemd unit)
   * leaves the monitors, and with them the exit codes, alive.
   */
  constructor(o: {
    execRoot: string;
    runcPath?: string;
    conmonPath?: string;
    logger: Logger;
    monitorCgroup?: string | false;
  }) {
    this.execRoot = o.execRoot;
    this.runc = new Runc({ path: o.runcPath ?? DEFAULT_RUNC_PATH, root: join(o.execRoot, "runc") });
    this.conmonPath = o.conmonPath ?? DEFAULT_CONMON_PATH;
    this.#logger = o.logger;
    this.#monitorProcs =
      o.monitorCgroup === false ? [] : monitorProcsFiles(o.monitorCgroup ?? "skiff-conmon");
  }

  get socketDir(): string {
    return join(this.execRoot, "conmon");
  }

  /**
   * Writes the bundle's config.json and has conmon run `runc create`. Resolves once the
   * container exists (status "created"), with its init PID; rejects with runc's error.
   */
  async create(id: string, o: CreateOptions): Promise<{ pid: number; conmonPid: number }> {
    if (o.spec.process.terminal !== o.tty) {
      throw new ConmonError(`create ${id}: spec.process.terminal must equal tty`);
    }
    const t = new PhaseTimer();
    // A runc container left from an earlier run (a crash before its exit was handled) blocks
    // create; runc keeps one state directory per container under its root.
    if (existsSync(join(this.runc.root, id))) await this.runc.delete(id, true).catch(() => undefined);
    this.#shared ??= Promise.all([
      mkdir(this.socketDir, { recursive: true }),
      mkdir(this.runc.root, { recursive: true, mode: 0o700 }),
    ]).catch((err: unknown) => {
      this.#shared = undefined; // try again next time
      throw err;
    });
    await this.#shared;
    const [exitDirMade] = await Promise.all([
      mkdir(o.exitDir, { recursive: true }),
      mkdir(o.persistDir, { recursive: true }),
      mkdir(o.bundleDir, { recursive: true }),
      mkdir(dirname(o.logPath), { recursive: true }),
    ]);
    // A stale exit or oom file from an earlier run would end the next wait at once (a first
    // run, whose exit directory was made just now, has none).
    if (exitDirMade === undefined) {
      await Promise.all([
        rm(join(o.exitDir, id), { force: true }),
        rm(join(o.persistDir, "exit"), { force: true }),
        rm(join(o.persistDir, "oom"), { force: true }),
        rm(join(o.bundleDir, "oom"), { force: true }),
        rm(join(o.bundleDir, "pidfile"), { force: true }),
      ]);
    }
    t.mark("dirs");
    await writeJsonAtomic(join(o.bundleDir, "config.json"), o.spec);
    t.mark("config");
    const proc = await startConmon({
      conmonPath: this.conmonPath,
      runcPath: this.runc.path,
      runcArgs: this.runc.globalArgs(),
      cid: id,
      cuuid: id,
      bundleDir: o.bundleDir,
      socketDir: this.socketDir,
      exitDir: o.exitDir,
      logPath: o.logPath,
      pidFile: join(o.bundleDir, "pidfile"),
      conmonPidFile: join(o.bundleDir, "conmon.pid"),
      persistDir: o.persistDir,
      stdin: o.stdin,
      tty: o.tty,
      leaveStdinOpen: o.leaveStdinOpen ?? true,
      cgroupProcs: this.#monitorProcs,
    });
    t.mark("conmon");
    this.#logger.debug({ id, pid: proc.pid, ms: t.phases() }, "container created");
    return { pid: proc.pid, conmonPid: proc.conmonPid };
  }

  /**
   * Starts a created container: through its exec fifo when it has one (no process spawned),
   * else with `runc start`, whose errors are the ones callers see.
   */
  async start(id: string): Promise<void> {
    if (await startThroughFifo(this.runc.root, id)) return;
    await this.runc.start(id);
  }

  /** Sends `signal` ("SIGTERM", "TERM", "9", …) to the init process, or to all with `all`. */
  kill(id: string, signal: string, o: { all?: boolean } = {}): Promise<void> {
    return this.runc.kill(id, signal, o.all === true);
  }

  pause(id: string): Promise<void> {
    return this.runc.pause(id);
  }

  resume(id: string): Promise<void> {
    return this.runc.resume(id);
  }

  /** runc's view of the container, or undefined when runc does not know it (deleted). */
  async state(id: string): Promise<ContainerState | undefined> {
    const s = await this.runc.state(id);
    if (s === undefined) return undefined;
    return { status: s.status === "creating" ? "created" : s.status, pid: s.pid };
  }

  /** Removes the container from runc (force: kill it first) and conmon's socket link. */
  async delete(id: string, o: { force: boolean }): Promise<void> {
    await this.runc.delete(id, o.force);
    await rm(join(this.socketDir, id), { force: true });
  }

  /** PIDs (host) of every process in the container. */
  processes(id: string): Promise<number[]> {
    return this.runc.ps(id);
  }

  /** `docker top`: the container's processes as `ps psArgs` shows them (default "-ef"). */
  async top(id: string, psArgs?: string): Promise<DockerTop> {
    return listProcesses(await this.runc.ps(id), psArgs);
  }

  /**
   * Resolves when conmon has written the exit file EXIT_DIR/<id> (at once if it exists).
   * `persistDir` (default: exitDir) is where conmon marks an OOM kill. With `bundleDir`, a
   * conmon that died without writing the file (killed) ends the wait with exit code 255
   * instead of never.
   */
  waitExit(
    exitDir: string,
    id: string,
    signal?: AbortSignal,
    o: { persistDir?: string; bundleDir?: string } = {},
  ): Promise<ExitStatus> {
    return waitExitFile({
      exitDir,
      id,
      persistDir: o.persistDir ?? exitDir,
      signal,
      ...(o.bundleDir !== undefined ? { conmonPidFile: join(o.bundleDir, "conmon.pid") } : {}),
    });
  }

  /** Connects to conmon's attach socket of a container (or exec) whose bundle is `bundleDir`. */
  attach(bundleDir: string): Promise<AttachStream> {
    return openAttach(bundleDir, this.socketDir);
  }

  /** Resizes the container's (or exec's) pty through conmon's control FIFO. */
  async resize(bundleDir: string, size: { height: number; width: number }): Promise<void> {
    const h = clampSize(size.height);
    const w = clampSize(size.width);
    // O_NONBLOCK: fails with ENXIO at once when conmon (the reader) is gone, instead of hanging.
    const fifo = await open(join(bundleDir, "ctl"), fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    try {
      await fifo.write(`1 ${h} ${w}\n`); // 1 = WIN_RESIZE_EVENT
    } finally {
      await fifo.close();
    }
  }

  /** Runs a process in a running container under its own conmon; see ExecHandle. */
  exec(id: string, o: ExecOptions): Promise<ExecHandle> {
    return runExec(
      {
        conmonPath: this.conmonPath,
        runcPath: this.runc.path,
        runcArgs: this.runc.globalArgs(),
        socketDir: this.socketDir,
        cgroupProcs: this.#monitorProcs,
      },
      id,
      o,
    );
  }

  /** conmon's PID for a container, from its pid file (undefined if gone). */
  async conmonPid(bundleDir: string): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(join(bundleDir, "conmon.pid"), "utf8")).trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The cgroup.procs files that place a process in cgroup `name` for the hierarchies that track
 * services: the unified one (cgroup v2, or v1 hybrid's "unified") and v1's "name=systemd".
 */
function monitorProcsFiles(name: string): string[] {
  const root = "/sys/fs/cgroup";
  if (existsSync(join(root, "cgroup.controllers"))) return [join(root, name, "cgroup.procs")];
  return ["systemd", "unified"]
    .filter((h) => existsSync(join(root, h, "cgroup.procs")))
    .map((h) => join(root, h, name, "cgroup.procs"));
}

// conmon refuses sizes outside 0..1000.
function clampSize(n: number): number {
  return Math.max(0, Math.min(1000, Math.floor(n)));
}

/** Whole after kill -9 (rename); not synced: the bundle is written again at every start. */
async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
  await rename(tmp, path);
}
