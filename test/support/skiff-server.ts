// A real Skiff registry process on a temp data dir, for end-to-end tests and benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, killOnExit, onLines, stopChild, waitForHttp, waitUntil } from "./child.js";
import { runOk, type RunResult } from "./tools.js";

/** Absolute path of bin/skiff.js in this checkout. */
export const SKIFF_BIN = fileURLToPath(new URL("../../bin/skiff.js", import.meta.url));

const READY_TIMEOUT_MS = 20_000;
/** logs keeps at most this many recent lines (a benchmark makes the server log every request). */
const MAX_LOG_LINES = 20_000;
const VERBOSE_LEVELS = new Set(["info", "debug", "trace"]);

/** Runs `node bin/skiff.js ...args`; rejects with stderr on a non-zero exit. */
export function runSkiff(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return runOk(process.execPath, [SKIFF_BIN, ...args], { ...opts, timeoutMs: 60_000 });
}

/** The login token (password) of `user` (default the admin user "skiff") for the data dir. */
export async function loginPassword(dataDir: string, user?: string): Promise<string> {
  const args = ["registry", "login-password", "--data-dir", dataDir];
  if (user !== undefined) args.push("--user", user);
  const { stdout } = await runSkiff(args);
  const lines = stdout.split("\n").map((l) => l.trim());
  const token = lines.filter((l) => l !== "" && !l.startsWith("{")).pop();
  if (token === undefined) throw new Error(`skiff registry login-password printed no token:\n${stdout}`);
  return token;
}

export interface SkiffServerOptions {
  /** Data directory; default a new temp dir that stop() removes. */
  dataDir?: string;
  /** `registry serve` (default) or the whole `server` with its registry face. */
  mode?: "registry" | "server";
  /** Extra environment for the server process. */
  env?: NodeJS.ProcessEnv;
  /** Options for node itself, before the script (e.g. ["--max-semi-space-size=2"]). */
  nodeArgs?: string[];
  /**
   * --log-level for the server. Readiness is the "registry listening" log line at info and
   * below; above info (warn, error, ...) it is the port answering GET /v2/ instead.
   */
  logLevel?: string;
  /** Extra arguments for the skiff command. */
  args?: string[];
  /** The address the registry listens on (default 127.0.0.1; a port is picked). */
  listenHost?: string;
}

export interface SkiffServer {
  /** http://127.0.0.1:PORT of the current process. */
  readonly url: string;
  /** 127.0.0.1:PORT, for image references. */
  readonly hostPort: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Login token of the admin user "skiff" (use as `skiff:PASSWORD`). */
  readonly password: string;
  /** stdout and stderr lines of every process started so far, in arrival order (the last 20,000). */
  readonly logs: string[];
  /** SIGTERM and wait for a graceful exit (SIGKILL after 15 s); removes a temp data dir. Final. */
  stop(): Promise<void>;
  /** SIGKILL and wait; the data dir stays for restart(). */
  kill9(): Promise<void>;
  /** Stops the process if it still runs, then starts it again on the same data dir and port. */
  restart(): Promise<void>;
}

export async function startSkiffServer(opts: SkiffServerOptions = {}): Promise<SkiffServer> {
  const ownDir = opts.dataDir === undefined ? await mkdtemp(join(tmpdir(), "skiff-server-")) : undefined;
  const server = new SkiffProcess(opts.dataDir ?? (ownDir as string), ownDir !== undefined, opts);
  try {
    await server.start(`${opts.listenHost ?? "127.0.0.1"}:0`);
    await server.refreshPassword();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

class SkiffProcess implements SkiffServer {
  readonly logs: string[] = [];
  readonly dataDir: string;
  #ownsDir: boolean;
  #opts: SkiffServerOptions;
  #child: ChildProcess | undefined;
  #url = "";
  #password = "";

  constructor(dataDir: string, ownsDir: boolean, opts: SkiffServerOptions) {
    this.dataDir = dataDir;
    this.#ownsDir = ownsDir;
    this.#opts = opts;
  }

  get url(): string {
    return this.#url;
  }

  get hostPort(): string {
    return new URL(this.#url).host;
  }

  get pid(): number {
    return this.#child?.pid ?? -1;
  }

  get password(): string {
    return this.#password;
  }

  async refreshPassword(): Promise<void> {
    this.#password = await loginPassword(this.dataDir);
  }

  async start(listen: string): Promise<void> {
    // Above info the "registry listening" line is not logged: then wait for the port instead.
    const level = this.#opts.logLevel || undefined;
    const quiet = level !== undefined && !VERBOSE_LEVELS.has(level);
    if (quiet && listen.endsWith(":0")) listen = `127.0.0.1:${await freePort()}`;
    const args =
      this.#opts.mode === "server"
        ? ["server", "--data-dir", this.dataDir, "--registry-listen", listen]
        : ["registry", "serve", "--listen", listen, "--data-dir", this.dataDir];
    if (level !== undefined) args.push("--log-level", level);
    args.push(...(this.#opts.args ?? []));
    // Without extra node flags, run the bin as users do, so its shebang's V8 flags apply.
    const [command, argv] =
      this.#opts.nodeArgs === undefined || this.#opts.nodeArgs.length === 0
        ? [SKIFF_BIN, args]
        : [process.execPath, [...this.#opts.nodeArgs, SKIFF_BIN, ...args]];
    const child = spawn(command, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...this.#opts.env },
    });
    this.#child = child;
    killOnExit(child);
    const stderr: string[] = [];
    onLines(child.stderr, (l) => {
      stderr.push(l);
      if (stderr.length > 100) stderr.shift();
      this.#log(l);
    });
    let loggedUrl: string | undefined;
    onLines(child.stdout, (line) => {
      this.#log(line);
      loggedUrl ??= listeningUrl(line);
    });
    let early: string | undefined;
    child.once("error", (err) => (early ??= err.message));
    child.once("exit", (code, signal) => (early ??= `exited early (${code ?? signal})`));
    const failed = (): string | undefined => early;
    try {
      if (quiet) {
        const url = `http://${listen}`;
        await waitForHttp(`${url}/v2/`, { statuses: [200, 401], timeoutMs: READY_TIMEOUT_MS, failed });
        this.#url = url;
      } else {
        this.#url = await waitUntil(() => loggedUrl, {
          timeoutMs: READY_TIMEOUT_MS,
          failed,
          what: 'a "registry listening" log line',
        });
      }
    } catch (err) {
      await stopChild(child, "SIGKILL");
      const tail = stderr.slice(-30).join("\n") || this.logs.slice(-30).join("\n");
      throw new Error(`skiff ${args.join(" ")}: ${(err as Error).message}\n--- stderr ---\n${tail}`);
    }
  }

  #log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES / 2);
  }

  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child, "SIGTERM", 15_000);
    if (this.#ownsDir) {
      this.#ownsDir = false;
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  async kill9(): Promise<void> {
    if (this.#child) await stopChild(this.#child, "SIGKILL");
  }

  async restart(): Promise<void> {
    const previous = this.#url === "" ? undefined : this.hostPort;
    if (this.#child) await stopChild(this.#child, "SIGTERM", 15_000);
    try {
      await this.start(previous ?? "127.0.0.1:0");
    } catch (err) {
      // The old port may have been taken meanwhile; any port is better than none.
      if (previous === undefined || !String(err).includes("EADDRINUSE")) throw err;
      await this.start("127.0.0.1:0");
    }
    await this.refreshPassword();
  }
}

/** The url of a pino `{"msg":"registry listening","url":"http://..."}` line, else undefined. */
function listeningUrl(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    if (entry.msg === "registry listening" && typeof entry.url === "string") return entry.url;
  } catch {
    // not a JSON log line
  }
  return undefined;
}
