// Starting conmon, the container monitor that outlives Skiff: it runs `runc create` (or
// `runc exec`), keeps the container's stdio (log file, attach socket, pty), and writes the exit
// code to EXIT_DIR/<id>. conmon daemonises at once and reports the outcome of runc on a sync
// pipe passed as fd 3 (`_OCI_SYNCPIPE=3`): `{"pid": N}` on success, `{"pid": -1, "message": …}`
// on failure; for an exec it then also reports `{"exit_code": N}` when the process ends.
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";

export const DEFAULT_CONMON_PATH = "/usr/bin/conmon";

export class ConmonError extends Error {
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
    this.name = "ConmonError";
  }
}

export interface ConmonArgs {
  conmonPath: string;
  runcPath: string;
  runcArgs: string[]; // runc global args, passed as --runtime-arg
  cid: string; // container ID
  cuuid: string; // attach socket name under socketDir (= cid, or the exec ID)
  bundleDir: string;
  socketDir: string; // EXEC_ROOT/conmon
  exitDir: string;
  logPath: string; // CRI k8s-file log
  pidFile: string; // container (or exec) process PID, written by runc
  conmonPidFile: string;
  persistDir?: string;
  stdin: boolean;
  tty: boolean;
  leaveStdinOpen?: boolean;
  exec?: { processSpecPath: string; attach: boolean }; // `conmon --exec [--exec-attach]`
  /**
   * cgroup.procs files to move conmon into before it forks its daemon (so that stopping the
   * server's own cgroup, e.g. a systemd unit, does not kill the monitors). Best effort.
   */
  cgroupProcs?: string[];
  logLevel?: "debug" | "info" | "warn" | "error";
}

export function conmonArgv(a: ConmonArgs): string[] {
  const argv = [
    "--api-version",
    "1",
    "-c",
    a.cid,
    "-u",
    a.cuuid,
    "-r",
    a.runcPath,
    ...a.runcArgs.flatMap((arg) => ["--runtime-arg", arg]),
    "-b",
    a.bundleDir,
    "-p",
    a.pidFile,
    "--socket-dir-path",
    a.socketDir,
    "--exit-dir",
    a.exitDir,
    "-l",
    `k8s-file:${a.logPath}`,
    "--conmon-pidfile",
    a.conmonPidFile,
    "--syslog=false",
    `--log-level=${a.logLevel ?? "error"}`,
  ];
  if (a.persistDir !== undefined) argv.push("--persist-dir", a.persistDir);
  if (a.tty) argv.push("-t");
  if (a.stdin) argv.push("-i");
  if (a.stdin && a.leaveStdinOpen === true) argv.push("--leave-stdin-open");
  if (a.exec) argv.push("--exec", "--exec-process-spec", a.exec.processSpecPath);
  if (a.exec?.attach === true) argv.push("--exec-attach");
  return argv;
}

/** Messages conmon writes on its pipes: `data` (API 1) or `pid` (legacy) is a PID or an exit code. */
interface SyncMessage {
  data?: number;
  pid?: number;
  message?: string;
}

function value(m: SyncMessage): number | undefined {
  return m.data ?? m.pid;
}

export interface ConmonProcess {
  /** The container's (or exec process's) host PID. */
  pid: number;
  conmonPid: number;
  /** For an exec: resolves with its exit code when the process ends (conmon reports it on the pipe). */
  exitCode: Promise<number | undefined>;
}

export interface StartHooks {
  /**
   * For an exec with --exec-attach: called once conmon's attach socket listens and before the
   * process starts, so the caller can connect and miss no output.
   */
  onAttachReady?: () => Promise<void>;
}

/**
 * Spawns conmon and waits until runc has created the container (or started the exec process).
 * Rejects with runc's message when it failed. The daemonised conmon keeps running after this.
 */
export async function startConmon(a: ConmonArgs, hooks: StartHooks = {}): Promise<ConmonProcess> {
  const attachFlow = a.exec?.attach === true;
  // An exec's conmon is moved before it forks (it waits on the start pipe anyway); a
  // container's daemonised conmon is moved once it has created the container, without a
  // round trip through us before `runc create`.
  const moving = (a.cgroupProcs ?? []).length > 0;
  const moveFirst = moving && a.exec !== undefined;
  const moveAfter = moving && a.exec === undefined;
  const argv = conmonArgv(a);
  // fd 3: sync pipe; fd 4: start pipe (conmon waits on it before forking, and again before an
  // attached exec runs); fd 5: attach pipe (conmon reports that its attach socket listens).
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: "3" };
  if (attachFlow || moveFirst) env._OCI_STARTPIPE = "4";
  if (attachFlow) env._OCI_ATTACHPIPE = "5";
  const pipes = attachFlow ? 3 : moveFirst ? 2 : 1;
  const child = spawn(a.conmonPath, argv, {
    cwd: a.bundleDir, // conmon writes its "oom" marker into its working directory
    stdio: ["ignore", "pipe", "pipe", ...Array<"pipe">(pipes).fill("pipe")],
    env,
  });
  const sync = child.stdio[3] as Readable;
  const stderr: Buffer[] = [];
  child.stderr?.on("data", (b: Buffer) => stderr.push(b));
  child.stdout?.resume();
  const failed = (msg: SyncMessage | undefined): ConmonError => {
    // conmon relays runc's error (sometimes wrapped); fall back to its own stderr.
    const text = msg?.message ?? Buffer.concat(stderr).toString("utf8").trim();
    return new ConmonError(cleanRuncMessage(text) || "conmon exited before the process started");
  };
  const spawned = new Promise<never>((_, reject) => {
    child.on("error", (e) => reject(new ConmonError(`cannot run ${a.conmonPath}: ${e.message}`)));
  });
  spawned.catch(() => undefined);
  const messages = syncMessages(sync);
  const start = attachFlow || moveFirst ? (child.stdio[4] as Writable) : undefined;
  start?.on("error", () => undefined);
  let heldBack = false; // conmon is alive, waiting for our second start message
  try {
    if (moveFirst && child.pid !== undefined) await moveToCgroup(child.pid, a.cgroupProcs ?? []);
    if (start !== undefined && !attachFlow) start.end("0");
    if (start !== undefined && attachFlow) {
      start.write("0"); // first read: conmon waits here until it is in its cgroup
      const attachPipe = (child.stdio as unknown as Readable[])[5] as Readable;
      const attachMsg = await Promise.race([syncMessages(attachPipe).next(), spawned]);
      attachPipe.destroy();
      if (attachMsg.done) throw failed(undefined);
      heldBack = true;
      await hooks.onAttachReady?.();
      heldBack = false;
      start.end("0"); // second read: the process may start now
    }
    const first = await Promise.race([messages.next(), spawned]);
    const msg = first.done ? undefined : first.value;
    const pid = msg === undefined ? undefined : value(msg);
    if (msg === undefined || pid === undefined || pid <= 0) throw failed(msg);
    // Only an exec reports again (its exit code); a container's conmon keeps the pipe open
    // silently for its whole life, so let go of it now.
    if (a.exec === undefined) sync.destroy();
    const exitCode =
      a.exec === undefined
        ? Promise.resolve(undefined)
        : (async () => {
            try {
              const next = await messages.next();
              return next.done ? undefined : value(next.value);
            } finally {
              sync.destroy();
            }
          })();
    exitCode.catch(() => undefined);
    const conmonPid = Number((await readFile(a.conmonPidFile, "utf8")).trim());
    if (moveAfter && Number.isInteger(conmonPid) && conmonPid > 1)
      void moveToCgroup(conmonPid, a.cgroupProcs ?? []);
    return { pid, conmonPid, exitCode };
  } catch (err) {
    sync.destroy();
    if (heldBack) {
      // conmon may be holding the exec back for an attach that failed: end it rather than
      // let the process run unattended.
      const pid = Number((await readFile(a.conmonPidFile, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 1) killQuietly(pid);
    }
    start?.destroy();
    throw err;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const madeCgroups = new Set<string>();

/** Writes `pid` into each cgroup.procs file (creating its cgroup); failures only lose the move. */
async function moveToCgroup(pid: number, procsFiles: string[]): Promise<void> {
  await Promise.all(
    procsFiles.map(async (file) => {
      try {
        if (!madeCgroups.has(file)) {
          await mkdir(dirname(file), { recursive: true });
          madeCgroups.add(file);
        }
        await writeFile(file, `${pid}\n`);
      } catch {
        // a read-only or delegated cgroup tree: conmon stays in the server's cgroup
      }
    }),
  );
}

/** JSON objects from the sync pipe (conmon writes one per message, without separators). */
async function* syncMessages(stream: Readable): AsyncGenerator<SyncMessage> {
  let buf = "";
  for await (const chunk of stream) {
    buf += (chunk as Buffer).toString("utf8");
    for (;;) {
      const end = objectEnd(buf);
      if (end < 0) break;
      const text = buf.slice(0, end + 1);
      buf = buf.slice(end + 1);
      try {
        yield JSON.parse(text.trim()) as SyncMessage;
      } catch {
        // not a message; skip it
      }
    }
  }
}

/** Index of the `}` closing the first JSON object in `s`, or -1 (strings may contain braces). */
function objectEnd(s: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/**
 * runc's failure as conmon relays it: conmon prefixes its own words and may include runc's JSON
 * log line; keep the last `msg` when there is one.
 */
export function cleanRuncMessage(text: string): string {
  const matches = [...text.matchAll(/"msg":"((?:[^"\\]|\\.)*)"/g)];
  const last = matches.at(-1)?.[1];
  if (last !== undefined) {
    try {
      return JSON.parse(`"${last}"`) as string;
    } catch {
      return last;
    }
  }
  return text.trim();
}
