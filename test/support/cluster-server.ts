// A whole one-node Skiff cluster for the orchestration tests: `skiff server` with its registry,
// engine, Kubernetes API, controllers, scheduler and local node agent; the real kubectl pointed
// at it; and the test images (busybox, and a busybox httpd that crashes on demand) built with
// the real docker CLI and pushed to the server's own registry.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./child.js";
import { busyboxRootfsTar } from "./busybox-image.js";
import { startEngineServer, type EngineServer } from "./engine-server.js";
import { loginPassword } from "./skiff-server.js";
import { run, runOk, type RunOptions, type RunResult } from "./tools.js";

export interface ClusterServer {
  readonly engine: EngineServer;
  readonly kubeconfig: string;
  readonly env: NodeJS.ProcessEnv;
  /** `REGISTRY/e2e/busybox:1`: busybox with CMD sh. */
  readonly busyboxImage: string;
  /**
   * `REGISTRY/e2e/web:1`: serves /www on :80 (index.html says "web v1") and exits with code 3
   * once /tmp/crash exists (`kubectl exec POD -- touch /tmp/crash`).
   */
  readonly webImage: string;
  /** The same program answering "web v2". */
  readonly webImageV2: string;
  kubectl(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  kubectlOk(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `kubectl get ARGS -o json`, parsed. */
  getJson<T = KubeJson>(args: readonly string[]): Promise<T>;
  /** `kubectl apply -f -` of a YAML or JSON text. */
  apply(manifest: string): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface KubeJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: Record<string, unknown> & { nodeName?: string };
  status?: Record<string, unknown>;
  items?: KubeJson[];
}

const KUBECTL_TIMEOUT_MS = 60_000;

/**
 * Polls `probe` (every `intervalMs`, default 200) until it answers something other than
 * undefined; the error names `what` and the last value seen by `describe`, when given.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  o: { timeoutMs: number; what: string; intervalMs?: number; last?: () => string },
): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      throw new Error(`no ${o.what} within ${o.timeoutMs} ms${o.last ? `; last seen: ${o.last()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 200));
  }
}

export async function startClusterServer(
  opts: {
    args?: string[];
    /** Where the registry and the API listen (default 127.0.0.1), e.g. an address other nodes reach. */
    listenHost?: string;
  } = {},
): Promise<ClusterServer> {
  const apiPort = await freePort();
  const engineWork = await mkdtemp(join(tmpdir(), "skiff-cluster-"));
  const kubeconfig = join(engineWork, "kubeconfig");
  const host = opts.listenHost ?? "127.0.0.1";
  const engine = await startEngineServer({
    api: true,
    listenHost: host,
    args: ["--api-listen", `${host}:${apiPort}`, "--write-kubeconfig", kubeconfig, ...(opts.args ?? [])],
  });
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, HOME: join(engineWork, "home") };
  delete env.KUBERNETES_SERVICE_HOST;
  const withEnv = (o: RunOptions = {}): RunOptions => ({
    timeoutMs: KUBECTL_TIMEOUT_MS,
    ...o,
    env: { ...env, ...o.env },
  });
  const kubectl = (args: readonly string[], o?: RunOptions) => run("kubectl", args, withEnv(o));
  const kubectlOk = (args: readonly string[], o?: RunOptions) => runOk("kubectl", args, withEnv(o));
  try {
    await eventually(async () => (await kubectl(["get", "--raw", "/readyz"])).code === 0 || undefined, {
      timeoutMs: 30_000,
      what: "the cluster API to answer /readyz",
    });
    const images = await buildTestImages(engine, engineWork);
    return {
      engine,
      kubeconfig,
      env,
      ...images,
      kubectl,
      kubectlOk,
      async getJson<T>(args: readonly string[]) {
        const { stdout } = await kubectlOk(["get", ...args, "-o", "json"]);
        return JSON.parse(stdout) as T;
      },
      apply: (manifest) => kubectlOk(["apply", "-f", "-"], { input: manifest }),
      async stop() {
        // Workloads go first: the node agent would start a pod's containers again as fast as
        // `docker rm -f` removes them.
        await kubectl([
          "delete",
          "deployments,replicasets,daemonsets,pods",
          "--all",
          "--all-namespaces",
          "--wait",
          "--timeout=60s",
        ]);
        await engine.stop();
        await rm(engineWork, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await engine.stop();
    throw err;
  }
}

/** The web program: busybox httpd in the background, the shell waiting for /tmp/crash. */
const WEB_SCRIPT = `#!/bin/sh
httpd -p 80 -h /www
while [ ! -f /tmp/crash ]; do sleep 0.2; done
echo "crashing on demand" >&2
exit 3
`;

async function buildTestImages(
  engine: EngineServer,
  work: string,
): Promise<{ busyboxImage: string; webImage: string; webImageV2: string }> {
  const registry = engine.server.hostPort;
  const busyboxImage = `${registry}/e2e/busybox:1`;
  const webImage = `${registry}/e2e/web:1`;
  const webImageV2 = `${registry}/e2e/web:2`;
  const tar = await busyboxRootfsTar(work);
  await engine.dockerOk(["import", "--change", 'CMD ["sh"]', tar, busyboxImage]);
  for (const [image, version] of [
    [webImage, "v1"],
    [webImageV2, "v2"],
  ] as const) {
    const files = join(work, `web-${version}`);
    await mkdir(files, { recursive: true });
    await writeFile(join(files, "web.sh"), WEB_SCRIPT, { mode: 0o755 });
    await writeFile(join(files, "index.html"), `web ${version}\n`);
    const name = `build-web-${version}`;
    // The files come in through a bind mount; commit keeps what the container copied.
    await engine.dockerOk([
      "run",
      "--name",
      name,
      "-v",
      `${files}:/src:ro`,
      busyboxImage,
      "sh",
      "-c",
      "mkdir -p /www && cp /src/index.html /www/ && cp /src/web.sh /web.sh",
    ]);
    await engine.dockerOk(["commit", "--change", 'CMD ["/web.sh"]', "--change", "EXPOSE 80", name, image]);
    await engine.dockerOk(["rm", name]);
  }
  const password = await loginPassword(engine.server.dataDir);
  await engine.dockerOk(["login", "--username", "skiff", "--password-stdin", registry], { input: password });
  for (const image of [busyboxImage, webImage, webImageV2]) await engine.dockerOk(["push", image]);
  return { busyboxImage, webImage, webImageV2 };
}
