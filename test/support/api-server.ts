// A real `skiff server --no-engine` with its Kubernetes API on a free port, and the real kubectl
// pointed at it through a kubeconfig in a private temp dir (HOME too, so kubectl's discovery
// cache is this server's alone).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitUntil } from "./child.js";
import { startSkiffServer, type SkiffServer } from "./skiff-server.js";
import { run, runOk, type RunOptions, type RunResult } from "./tools.js";

export interface ApiServer {
  readonly server: SkiffServer;
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** Path of the admin kubeconfig (written by --write-kubeconfig). */
  readonly kubeconfig: string;
  /** A private working dir (removed by stop()). */
  readonly work: string;
  /** The environment for kubectl: KUBECONFIG and a private HOME. */
  readonly env: NodeJS.ProcessEnv;
  /** `kubectl ARGS`; never rejects on a non-zero exit. */
  kubectl(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `kubectl ARGS`; rejects with kubectl's stderr on a non-zero exit. */
  kubectlOk(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

const KUBECTL_TIMEOUT_MS = 45_000;

/** The url of a pino `{"msg":"api listening","url":"https://..."}` line, else undefined. */
function apiUrl(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    if (entry.msg === "api listening" && typeof entry.url === "string") return entry.url;
  } catch {
    // not JSON
  }
  return undefined;
}

export async function startApiServer(
  opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<ApiServer> {
  const work = await mkdtemp(join(tmpdir(), "skiff-api-"));
  const kubeconfig = join(work, "kubeconfig");
  const home = join(work, "home");
  const port = await freePort();
  let server: SkiffServer;
  try {
    server = await startSkiffServer({
      mode: "server",
      args: [
        "--no-engine",
        "--api-listen",
        `127.0.0.1:${port}`,
        "--write-kubeconfig",
        kubeconfig,
        ...(opts.args ?? []),
      ],
      ...(opts.env !== undefined && { env: opts.env }),
    });
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
  let url: string;
  try {
    url = await waitUntil(() => server.logs.map(apiUrl).find((u) => u !== undefined), {
      timeoutMs: 30_000,
      what: 'an "api listening" log line',
      failed: () => (server.pid < 0 ? "server gone" : undefined),
    });
  } catch (err) {
    const tail = server.logs.slice(-40).join("\n");
    await server.stop();
    await rm(work, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n--- server log ---\n${tail}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, HOME: home };
  delete env.KUBERNETES_SERVICE_HOST;
  const withEnv = (o: RunOptions = {}): RunOptions => ({
    timeoutMs: KUBECTL_TIMEOUT_MS,
    ...o,
    env: { ...env, ...o.env },
  });
  return {
    server,
    url,
    kubeconfig,
    work,
    env,
    kubectl: (args, o) => run("kubectl", args, withEnv(o)),
    kubectlOk: (args, o) => runOk("kubectl", args, withEnv(o)),
    async stop() {
      await server.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
