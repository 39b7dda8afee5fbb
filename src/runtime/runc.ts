// The runc command line, one call per method, with runc's own error message (from its JSON log
// on stderr) carried in RuncError. `--root` keeps Skiff's containers apart from any other
// runc user on the machine.
import { spawn } from "node:child_process";

export class RuncError extends Error {
  readonly statusCode = 500;
  constructor(
    message: string,
    readonly args: readonly string[],
  ) {
    super(message);
    this.name = "RuncError";
  }
}

export interface RuncState {
  id: string;
  pid: number;
  status: "creating" | "created" | "running" | "paused" | "stopped";
  bundle: string;
}

export const DEFAULT_RUNC_PATH = "/usr/sbin/runc";

export class Runc {
  readonly path: string;
  readonly root: string;

  constructor(o: { path: string; root: string }) {
    this.path = o.path;
    this.root = o.root;
  }

  /** The global arguments every call starts with (conmon gets them as --runtime-arg). */
  globalArgs(): string[] {
    return [`--root=${this.root}`, "--log-format=json"];
  }

  /** `runc state`, or undefined when runc does not know the container. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      const out = await this.run(["state", id]);
      const parsed = JSON.parse(out) as Partial<RuncState>;
      if (typeof parsed.status !== "string" || typeof parsed.pid !== "number") {
        throw new RuncError(`runc state ${id}: unexpected output`, ["state", id]);
      }
      return { id, pid: parsed.pid, status: parsed.status, bundle: parsed.bundle ?? "" };
    } catch (err) {
      if (err instanceof RuncError && isNotExist(err.message)) return undefined;
      throw err;
    }
  }

  async start(id: string): Promise<void> {
    await this.run(["start", id]);
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run(["kill", ...(all ? ["--all"] : []), id, signal]);
  }

  /** Deletes the container's runc state; a missing container is not an error. */
  async delete(id: string, force: boolean): Promise<void> {
    try {
      await this.run(["delete", ...(force ? ["--force"] : []), id]);
    } catch (err) {
      if (err instanceof RuncError && isNotExist(err.message)) return;
      throw err;
    }
  }

  async pause(id: string): Promise<void> {
    await this.run(["pause", id]);
  }

  async resume(id: string): Promise<void> {
    await this.run(["resume", id]);
  }

  /** Host PIDs of every process in the container (`runc ps --format json`). */
  async ps(id: string): Promise<number[]> {
    const out = await this.run(["ps", "--format", "json", id]);
    const pids = JSON.parse(out) as unknown;
    return Array.isArray(pids) ? pids.filter((p): p is number => typeof p === "number") : [];
  }

  /** Runs runc with the global arguments; resolves stdout, rejects with runc's error message. */
  run(args: readonly string[]): Promise<string> {
    const full = [...this.globalArgs(), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.path, full, { stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e) => reject(new RuncError(`cannot run ${this.path}: ${e.message}`, args)));
      child.on("close", (code, signal) => {
        if (code === 0) {
          resolve(Buffer.concat(out).toString("utf8"));
          return;
        }
        const how = code === null ? `signal ${signal}` : `exit status ${code}`;
        const msg = runcErrorMessage(Buffer.concat(err).toString("utf8")) ?? how;
        reject(new RuncError(`runc ${args[0] ?? ""}: ${msg}`, args));
      });
    });
  }
}

/** The last error message from runc's JSON log lines (`{"level":"error","msg":"…"}`), if any. */
export function runcErrorMessage(stderr: string): string | undefined {
  let found: string | undefined;
  for (const line of stderr.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    try {
      const entry = JSON.parse(trimmed) as { level?: string; msg?: string };
      if (entry.level === "error" && typeof entry.msg === "string") found = entry.msg;
    } catch {
      found = trimmed; // not JSON: runc wrote plain text (usage errors)
    }
  }
  return found;
}

function isNotExist(message: string): boolean {
  return /does not exist|container not found/.test(message);
}
