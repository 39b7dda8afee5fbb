// Exec: a process run in a running container by its own conmon (`conmon --exec`, which runs
// `runc exec --process FILE`), with its own bundle directory (EXEC_DIR: process.json, attach
// socket, ctl/winsz FIFOs, exit file, log) so the container's conmon is not involved. With
// `attach`, conmon holds the process back until our attach client is connected
// (--exec-attach), so no output is lost; resize goes through EXEC_DIR/ctl like a container's.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openAttach, type AttachStream } from "./attach.js";
import { startConmon } from "./conmon.js";
import { waitExitFile, type ExitStatus } from "./conmon-exit.js";
import type { OciProcess } from "./oci-spec-types.js";

export interface ExecOptions {
  process: OciProcess; // process.terminal must equal tty
  tty: boolean;
  stdin: boolean;
  /** A fresh directory for this exec (conmon's bundle for it); removed by ExecHandle.cleanup(). */
  execDir: string;
  /** Connect to the exec's stdio before it starts (default true); false for `docker exec -d`. */
  attach?: boolean;
}

export interface ExecHandle {
  /** Host PID of the exec'd process. */
  pid: number;
  /** conmon's bundle for this exec: pass to Runtime.resize() and Runtime.attach(). */
  execDir: string;
  /** The exec's stdio, connected before the process started (when attach was requested). */
  stream?: AttachStream;
  /** Resolves with the exit code once the process has ended (and conmon drained its output). */
  wait(signal?: AbortSignal): Promise<ExitStatus>;
  /** Removes EXEC_DIR and the socket link; call after wait(). */
  cleanup(): Promise<void>;
}

export interface ExecEnv {
  conmonPath: string;
  runcPath: string;
  runcArgs: string[];
  socketDir: string;
  cgroupProcs?: string[];
}

export async function runExec(env: ExecEnv, containerId: string, o: ExecOptions): Promise<ExecHandle> {
  if (o.process.terminal !== o.tty) throw new Error("exec: process.terminal must equal tty");
  const attach = o.attach ?? true;
  // Not "exit": conmon writes PERSIST_DIR/exit, and the persist dir is execDir.
  const exitDir = join(o.execDir, "exits");
  await mkdir(exitDir, { recursive: true });
  const specPath = join(o.execDir, "process.json");
  await writeFile(specPath, JSON.stringify(o.process), { mode: 0o600 });
  // The attach socket's link name under socketDir; conmon needs one per exec.
  const cuuid = `exec-${randomBytes(12).toString("hex")}`;
  let stream: AttachStream | undefined;
  let proc;
  try {
    proc = await startConmon(
      {
        conmonPath: env.conmonPath,
        runcPath: env.runcPath,
        runcArgs: env.runcArgs,
        cid: containerId,
        cuuid,
        bundleDir: o.execDir,
        socketDir: env.socketDir,
        exitDir,
        logPath: join(o.execDir, "exec.log"),
        pidFile: join(o.execDir, "pidfile"),
        conmonPidFile: join(o.execDir, "conmon.pid"),
        persistDir: o.execDir,
        stdin: o.stdin,
        tty: o.tty,
        exec: { processSpecPath: specPath, attach },
        ...(env.cgroupProcs ? { cgroupProcs: env.cgroupProcs } : {}),
      },
      {
        onAttachReady: async () => {
          stream = await openAttach(o.execDir, env.socketDir);
        },
      },
    );
  } catch (err) {
    stream?.close();
    await rm(join(env.socketDir, cuuid), { force: true }); // conmon exits without removing it
    throw err;
  }
  const exitCode = proc.exitCode;
  return {
    pid: proc.pid,
    execDir: o.execDir,
    ...(stream ? { stream } : {}),
    // conmon names the exit file after the container ID (-c), in the exec's own exit dir.
    wait: async (signal) => {
      const status = await waitExitFile({
        exitDir,
        id: containerId,
        persistDir: o.execDir,
        signal,
        conmonPidFile: join(o.execDir, "conmon.pid"),
      });
      await exitCode; // the pipe's copy arrives with it; wait so nothing dangles
      return status;
    },
    cleanup: async () => {
      await rm(join(env.socketDir, cuuid), { force: true });
      await rm(o.execDir, { recursive: true, force: true });
    },
  };
}
