// The CNCF distribution registry (Debian `docker-registry`, 2.8) as a peer for tests and
// benchmarks: filesystem storage in a temp dir, deletes enabled, no auth, loopback only.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort, killOnExit, onLines, stopChild, waitForHttp } from "./child.js";
import { findTool } from "./tools.js";

export interface DistributionOptions {
  /** Storage root; default a new temp dir, removed by stop(). */
  dataDir?: string;
  /** Default "warn". */
  logLevel?: "error" | "warn" | "info" | "debug";
  /** Blob descriptor cache, as in Debian's default config. Default "inmemory". */
  cache?: "inmemory" | "none";
}

export interface DistributionRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, as skopeo and docker want it in image references. */
  hostPort: string;
  pid: number;
  dataDir: string;
  /** stdout and stderr lines of the registry. */
  logs: string[];
  /** SIGTERM, wait for exit, remove the temp dirs it created. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startDistribution(opts: DistributionOptions = {}): Promise<DistributionRegistry> {
  const binary = findTool("docker-registry");
  if (binary === undefined) throw new Error("docker-registry not found; apt-get install docker-registry");
  const workDir = await mkdtemp(join(tmpdir(), "skiff-distribution-"));
  const dataDir = opts.dataDir ?? join(workDir, "data");
  const port = await freePort();
  const hostPort = `127.0.0.1:${port}`;
  const config = {
    version: 0.1,
    log: { level: opts.logLevel ?? "warn", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: true },
      ...((opts.cache ?? "inmemory") === "inmemory" ? { cache: { blobdescriptor: "inmemory" } } : {}),
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: hostPort, secret: "skiff-test-secret" },
  };
  const configPath = join(workDir, "config.yml");
  await writeFile(configPath, stringify(config));

  const child = spawn(binary, ["serve", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  killOnExit(child);
  const logs: string[] = [];
  onLines(child.stdout, (l) => logs.push(l));
  onLines(child.stderr, (l) => logs.push(l));
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));

  const stop = async (): Promise<void> => {
    await stopChild(child, "SIGTERM");
    await rm(workDir, { recursive: true, force: true });
  };
  const url = `http://${hostPort}`;
  try {
    await waitForHttp(`${url}/v2/`, {
      statuses: [200],
      timeoutMs: 20_000,
      failed: () => {
        if (spawnError) return `docker-registry failed to start: ${spawnError.message}`;
        if (child.exitCode !== null || child.signalCode !== null) {
          return `docker-registry exited (${child.exitCode ?? child.signalCode}):\n${logs.join("\n")}`;
        }
        return undefined;
      },
    });
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error("docker-registry has no pid");
  return { url, hostPort, pid: child.pid, dataDir, logs, stop };
}
