// A whole `skiff server` (registry + engine) on temp directories, and the real docker CLI
// pointed at its engine socket, for the engine's end-to-end tests and benchmarks.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeRules, deleteBridge, removeRules } from "../../src/net/host-setup.js";
import { startSkiffServer, type SkiffServer } from "./skiff-server.js";
import { findTool, run, runOk, type RunOptions, type RunResult } from "./tools.js";

export interface EngineServer {
  readonly server: SkiffServer;
  readonly socketPath: string;
  /** The environment that points the docker CLI at this engine (and at a private config dir). */
  readonly dockerEnv: NodeJS.ProcessEnv;
  /** The bridge this server's containers are attached to. */
  readonly bridgeName: string;
  /** `docker ARGS` against this engine; never rejects on a non-zero exit. */
  docker(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `docker ARGS`; rejects with the CLI's stderr on a non-zero exit. */
  dockerOk(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Waits until the engine answers /_ping (after a restart). */
  waitReady(): Promise<void>;
  /** Stops the server (containers are removed first) and removes every temp dir. */
  stop(): Promise<void>;
}

let serial = 0;

/**
 * A /24 under 10.200.0.0/13 that no route on this machine uses yet, starting from a spot that
 * `seed` picks: two test servers on one subnet would send each other's traffic to the wrong
 * bridge.
 */
async function unroutedSubnet(seed: number): Promise<string> {
  const routes = (await run("ip", ["-4", "route", "show"])).stdout;
  for (let i = 0; i < 50 * 250; i++) {
    const k = (seed + i) % (50 * 250);
    const subnet = `10.${200 + Math.floor(k / 250)}.${k % 250}.0/24`;
    if (!routes.includes(subnet)) return subnet;
  }
  throw new Error("no free 10.200.0.0/13 subnet for a test bridge");
}

/**
 * Starts `skiff server` with its engine on a temp socket, a temp exec root and its own bridge
 * (name and /24 subnet unique per call, so test files never share IPs).
 */
export async function startEngineServer(
  opts: {
    args?: string[];
    logLevel?: string;
    /** keep the cluster API (default: --no-api) */ api?: boolean;
    /** the registry's listen address (default 127.0.0.1) */ listenHost?: string;
  } = {},
): Promise<EngineServer> {
  const work = await mkdtemp(join(tmpdir(), "skiff-engine-"));
  const socketPath = join(work, "engine.sock");
  serial += 1;
  const bridgeName = `skt${process.pid % 10000}x${serial}`;
  const subnet = await unroutedSubnet(process.pid + serial * 7919);
  const server = await startSkiffServer({
    mode: "server",
    ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel }),
    ...(opts.listenHost === undefined ? {} : { listenHost: opts.listenHost }),
    args: [
      // Engine tests need no cluster API; a fixed :6443 would also clash between test files.
      ...(opts.api === true ? [] : ["--no-api"]),
      "--engine-socket",
      socketPath,
      "--exec-root",
      join(work, "run"),
      "--bridge-name",
      bridgeName,
      "--bridge-subnet",
      subnet,
      ...(opts.args ?? []),
    ],
  });
  const dockerConfig = join(work, "docker-config");
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: dockerConfig };
  const docker = dockerCli();
  const engine: EngineServer = {
    server,
    socketPath,
    dockerEnv,
    bridgeName,
    docker: (args, o = {}) => run(docker, args, { timeoutMs: 40_000, ...o, env: { ...dockerEnv, ...o.env } }),
    dockerOk: (args, o = {}) =>
      runOk(docker, args, { timeoutMs: 40_000, ...o, env: { ...dockerEnv, ...o.env } }),
    waitReady: () => waitForPing(socketPath),
    async stop() {
      const ids = await run(docker, ["ps", "-aq"], { env: dockerEnv, timeoutMs: 30_000 });
      const list = ids.stdout.split("\n").filter(Boolean);
      if (list.length > 0) await run(docker, ["rm", "-f", ...list], { env: dockerEnv, timeoutMs: 60_000 });
      await server.stop();
      // The engine keeps its bridge and its iptables rules across restarts, as Docker keeps
      // docker0; a test's go with it (left, the rules piled up by the hundred).
      await deleteBridge(bridgeName);
      await removeRules(bridgeRules(bridgeName, subnet));
      await rm(work, { recursive: true, force: true });
    },
  };
  try {
    await engine.waitReady();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return engine;
}

/** The docker CLI 28 the issue names (/usr/local/bin/docker here), not Debian's older one. */
export function dockerCli(): string {
  const found = findTool("docker");
  if (found === undefined) throw new Error("the docker CLI is not installed");
  return found;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", method: "GET", timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function waitForPing(socketPath: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(socketPath))) {
    if (Date.now() >= deadline)
      throw new Error(`the engine did not answer /_ping on ${socketPath} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
