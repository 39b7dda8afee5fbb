// `docker top`: like Docker, run the host's `ps` with the caller's arguments (default "-ef")
// and keep the rows whose PID column is one of the container's processes.
import { spawn } from "node:child_process";

export interface DockerTop {
  Titles: string[];
  Processes: string[][];
}

/** Docker's 500 errors for `top`, in its own words. */
export class TopError extends Error {
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
    this.name = "TopError";
  }
}

/** Lists the processes `pids` (host PIDs of one container) with `ps psArgs`. */
export async function listProcesses(pids: readonly number[], psArgs = "-ef"): Promise<DockerTop> {
  const args = psArgs.trim() === "" ? ["-ef"] : psArgs.trim().split(/\s+/);
  const { code, stdout, stderr } = await runPs(args);
  if (code !== 0) throw new TopError(`ps: exit status ${code}: ${stderr.trim()}`);
  return parsePs(stdout, pids);
}

/** Pure: keeps the `ps` rows of `pids`; the last column (the command) may contain spaces. */
export function parsePs(output: string, pids: readonly number[]): DockerTop {
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidIndex = titles.indexOf("PID");
  if (pidIndex < 0) throw new TopError("Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const pid = Number(fields[pidIndex]);
    if (!wanted.has(pid)) continue;
    const head = fields.slice(0, titles.length - 1);
    processes.push([...head, fields.slice(titles.length - 1).join(" ")]);
  }
  return { Titles: titles, Processes: processes };
}

function runPs(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("ps", args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new TopError(`ps: ${e.message}`)));
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}
