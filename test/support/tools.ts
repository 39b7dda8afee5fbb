// External programs used by end-to-end tests and benchmarks: finding them on PATH, and
// running them without a shell.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The Debian package that provides each binary the tests use. */
const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  skopeo: "skopeo",
  "docker-registry": "docker-registry",
  hey: "hey",
  wrk: "wrk",
  curl: "curl",
  busybox: "busybox-static",
  runc: "runc",
  crun: "crun",
  conmon: "conmon",
  docker: "docker.io",
  dockerd: "docker.io",
  kubectl: "kubernetes-client",
  "etcd-server": "etcd-server",
  etcd: "etcd-server",
  iptables: "iptables",
  ip: "iproute2",
  script: "bsdutils",
  getfattr: "attr",
};

const EXTRA_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Absolute path of an executable named `name` on PATH (or the usual sbin/bin dirs), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Whether the binary `name` is available. When it is missing and CI=true, throws an Error
 * naming the Debian package to install (tests must fail, not skip, in CI); otherwise returns
 * false so the caller can `it.skipIf(!requireTool("skopeo"))`.
 */
export function requireTool(name: string): boolean {
  if (findTool(name) !== undefined) return true;
  if (process.env.CI === "true") {
    const pkg = DEBIAN_PACKAGES[name] ?? name;
    throw new Error(
      `required tool "${name}" is not installed; install the Debian package: apt-get install ${pkg}`,
    );
  }
  return false;
}

export interface RunOptions {
  cwd?: string;
  /** Environment for the child; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child with SIGKILL after this many milliseconds (default: no limit). */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null when the child died from a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` with `args` (no shell) and collects its output; never rejects on a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    }
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.on("error", () => {
      // the child may exit without reading its input
    });
    child.stdin.end(opts.input);
  });
}

/** Like run(), but rejects with the command line and its stderr when the exit code is not 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const how = result.code === null ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new Error(
      `${cmd} ${args.join(" ")} failed with ${how}:\n${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}
