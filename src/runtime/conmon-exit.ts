// Waiting for conmon's exit file. conmon writes EXIT_DIR/<id> (the exit code as text, 128+N
// for a signal; written to a temp file and renamed, so it is complete once it exists) and,
// when the cgroup OOM-killed a process, creates PERSIST_DIR/oom. fs.watch wakes us; a slow
// poll covers events the watch may miss (a directory replaced, an overflow).
import { watch, type FSWatcher } from "node:fs";
import { readFile, stat, access } from "node:fs/promises";
import { join } from "node:path";

export interface ExitStatus {
  exitCode: number;
  finishedAt: Date;
  oomKilled: boolean;
}

const POLL_MS = 1000;

/** The exit status if the exit file exists, else undefined. */
export async function readExitFile(
  exitDir: string,
  id: string,
  persistDir: string,
): Promise<ExitStatus | undefined> {
  const path = join(exitDir, id);
  let text: string;
  let mtime: Date;
  try {
    [text, mtime] = await Promise.all([readFile(path, "utf8"), stat(path).then((s) => s.mtime)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const code = Number.parseInt(text.trim(), 10);
  const oomKilled = await access(join(persistDir, "oom")).then(
    () => true,
    () => false,
  );
  // conmon writes -1 when it could not learn the status (e.g. a timeout); Docker shows 255 then.
  return { exitCode: Number.isNaN(code) || code < 0 ? 255 : code, finishedAt: mtime, oomKilled };
}

/** Docker's exit code for a container whose monitor died without reporting one. */
export const LOST_EXIT_CODE = 255;

export function waitExitFile(o: {
  exitDir: string;
  id: string;
  persistDir: string;
  signal?: AbortSignal;
  /** conmon's pid file: if conmon is gone and never wrote the exit file, end with 255. */
  conmonPidFile?: string;
}): Promise<ExitStatus> {
  return new Promise((resolve, reject) => {
    let done = false;
    let watcher: FSWatcher | undefined;
    let checking = false;
    let again = false;
    let polled = false; // the liveness check runs on the slow poll only
    const finish = (err: unknown, status?: ExitStatus): void => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(timer);
      o.signal?.removeEventListener("abort", onAbort);
      if (status) resolve(status);
      else reject(err);
    };
    const onAbort = (): void => finish(o.signal?.reason ?? new Error("aborted"));
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const status = await readExitFile(o.exitDir, o.id, o.persistDir);
          if (status) finish(undefined, status);
          else if (polled && o.conmonPidFile !== undefined && !(await conmonAlive(o.conmonPidFile))) {
            // conmon writes the exit file before it exits: read once more to close the race.
            const late = await readExitFile(o.exitDir, o.id, o.persistDir);
            finish(undefined, late ?? { ...(await lostStatus(o.persistDir)) });
          }
          polled = false;
        } while (again && !done);
      } catch (err) {
        finish(err);
      } finally {
        checking = false;
      }
    };
    const timer = setInterval(() => {
      polled = true;
      void check();
    }, POLL_MS);
    if (o.signal?.aborted) {
      onAbort();
      return;
    }
    o.signal?.addEventListener("abort", onAbort);
    try {
      watcher = watch(o.exitDir, { persistent: false }, (_event, name) => {
        if (name === null || name === o.id) void check();
      });
      watcher.on("error", () => undefined);
    } catch {
      // the directory may not exist yet; the poll finds the file
    }
    void check();
  });
}

async function lostStatus(persistDir: string): Promise<ExitStatus> {
  const oomKilled = await access(join(persistDir, "oom")).then(
    () => true,
    () => false,
  );
  return { exitCode: LOST_EXIT_CODE, finishedAt: new Date(), oomKilled };
}

/** Whether the process in `pidFile` exists (a missing or unreadable file counts as gone). */
async function conmonAlive(pidFile: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, "utf8")).trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
