// Runs the host tools networking needs (plugins, unshare, umount, iptables) without a shell.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

export interface ExecResult {
  /** Exit code, or null when the child died from a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The PATH children get: plugins and we call iptables, ip, unshare, umount from sbin. */
export const TOOL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The absolute path of `name` in TOOL_PATH, or undefined when no directory has it. */
export function findTool(name: string): string | undefined {
  for (const dir of TOOL_PATH.split(":")) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs `cmd`; never rejects on a non-zero exit (only when it cannot be started). */
export function execTool(
  cmd: string,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: o.env ?? { ...process.env, PATH: TOOL_PATH },
      stdio: [o.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    if (o.input !== undefined && child.stdin) {
      child.stdin.on("error", () => {
        // the child may exit before reading its input
      });
      child.stdin.end(o.input);
    }
  });
}

/** Like execTool, but rejects with the command line and its stderr on a non-zero exit. */
export async function execToolOk(cmd: string, args: readonly string[]): Promise<ExecResult> {
  const r = await execTool(cmd, args);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${String(r.code)}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r;
}
