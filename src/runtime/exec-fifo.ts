// Starting a created container without a `runc start` process. A created container's init
// (`runc init`) waits to open RUNC_ROOT/<id>/exec.fifo for writing; `runc start` opens it for
// reading, reads init's byte until EOF (init has called exec, or died), then deletes the fifo,
// which is what makes runc report "running". This does the same from our process, which saves
// a Go program's start per container; anything unexpected (no fifo, no byte, init gone) falls
// back to `runc start`, so the errors stay runc's own.
import { constants, open } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import { Socket } from "node:net";
import { join } from "node:path";

/** Polling interval for a dead init while waiting for its byte (runc polls every 100 ms too). */
const CHECK_MS = 100;

/**
 * Starts container `id` under runc's root `root` through its exec fifo. Resolves true when
 * started, false when this way does not apply (no fifo, init gone): the caller runs `runc start`.
 */
export async function startThroughFifo(root: string, id: string): Promise<boolean> {
  const dir = join(root, id);
  const path = join(dir, "exec.fifo");
  // Known before the fifo is opened: once open, our end may only close after init's EOF
  // (closing it between init's open and its write would kill init with EPIPE).
  const initPid = await readInitPid(dir);
  if (initPid === undefined) return false;
  let fd: number;
  try {
    // (libuv adds O_CLOEXEC.) Non-blocking: the open succeeds at once, and a poll of the fifo reports neither data
    // nor hang-up until init has opened its end.
    fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  const got = await readAll(fd, initPid);
  if (got === undefined || got.length === 0) return false; // no byte: not ours to judge
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  return true;
}

/** Everything init writes, until EOF; undefined when init died before opening its end. */
function readAll(fd: number, initPid: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    const timer = setInterval(() => {
      if (chunks.length === 0 && !alive(initPid)) finish(undefined);
    }, CHECK_MS);
    const finish = (value: Buffer | undefined): void => {
      clearInterval(timer);
      socket.destroy(); // closes fd
      resolve(value);
    };
    socket.on("data", (b: Buffer) => chunks.push(b));
    socket.on("end", () => finish(Buffer.concat(chunks)));
    socket.on("error", () => finish(undefined));
  });
}

/** A plain fd (a FileHandle would close it again when collected; the Socket owns it). */
function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

async function readInitPid(dir: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as {
      init_process_pid?: unknown;
    };
    return typeof state.init_process_pid === "number" ? state.init_process_pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` exists (a zombie counts until conmon reaps it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}
