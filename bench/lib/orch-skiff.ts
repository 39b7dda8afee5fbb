// Skiff as the orchestration benchmark measures it: a whole one-node cluster (the integrator's
// test cluster: skiff server with API, controllers, scheduler and local node agent), the bench
// image imported into its engine and pushed to its registry, objects created and changed over
// the Kubernetes API and every result seen through a pod watch.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClusterClient } from "../../src/api/client/http-client.js";
import { readKubeconfig } from "../../src/api/client/kubeconfig-read.js";
import type { ResourceApi } from "../../src/api/client/cluster.js";
import type { KubeObject } from "../../src/api/types.js";
import { startClusterServer, type ClusterServer } from "../../test/support/cluster-server.js";
import { httpdImportArgs, httpdRootfsTar } from "./httpd-image.js";
import {
  atUniformRate,
  type MemoryReport,
  type OrchTarget,
  type StartMany,
  type Workload,
} from "./orch-target.js";
import { allRunning, firstContainer, isReady, isTerminating, podImage, PodWatch } from "./pod-watch.js";
import { engineMemory } from "./process-tree.js";

const NS = "default";
const WAIT_MS = 120_000;

export async function startSkiffTarget(o: { log: (msg: string) => void }): Promise<OrchTarget> {
  const cluster = await startClusterServer();
  try {
    const registry = cluster.engine.server.hostPort;
    const tarDir = await mkdtemp(join(tmpdir(), "skiff-bench-orch-"));
    for (const v of [1, 2] as const) {
      const ref = `${registry}/bench/httpd:${v}`;
      await cluster.engine.dockerOk(httpdImportArgs(await httpdRootfsTar(tarDir), ref, v));
      await cluster.engine.dockerOk(["push", ref]);
    }
    await rm(tarDir, { recursive: true, force: true });
    const client = new HttpClusterClient({
      ...readKubeconfig(await readFile(cluster.kubeconfig, "utf8")),
      fieldManager: "bench",
    });
    const pods = client.resource({ apiVersion: "v1", kind: "Pod" });
    const watch = new PodWatch({ pods, namespace: NS });
    await watch.start();
    o.log(`skiff: server ${cluster.engine.server.pid}, API ${client.server}`);
    return new SkiffTarget({ cluster, client, pods, watch, registry });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

function podManifest(name: string, image: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "web", image }] },
  };
}

function deploymentManifest(name: string, replicas: number, image: string): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "web", image }] },
      },
    },
  };
}

class SkiffTarget implements OrchTarget {
  readonly name = "skiff";
  readonly #cluster: ClusterServer;
  readonly #client: HttpClusterClient;
  readonly #pods: ResourceApi;
  readonly #deployments: ResourceApi;
  readonly #watch: PodWatch;
  readonly #registry: string;
  readonly #picked = new Set<string>();

  constructor(o: {
    cluster: ClusterServer;
    client: HttpClusterClient;
    pods: ResourceApi;
    watch: PodWatch;
    registry: string;
  }) {
    this.#cluster = o.cluster;
    this.#client = o.client;
    this.#pods = o.pods;
    this.#deployments = o.client.resource({ apiVersion: "apps/v1", kind: "Deployment" });
    this.#watch = o.watch;
    this.#registry = o.registry;
  }

  image(v: 1 | 2): string {
    return `${this.#registry}/bench/httpd:${v}`;
  }

  async startOne(name: string): Promise<number> {
    const running = this.#watch.next((p) => p.metadata.name === name && allRunning(p), {
      timeoutMs: WAIT_MS,
      what: `pod ${name} running`,
    });
    const t0 = performance.now();
    await this.#pods.create(podManifest(name, this.image(1), { bench: "start-one" }));
    const ms = (await running).at - t0;
    await this.#pods.delete(NS, name);
    await this.#watch.until(() => this.#watch.pods().every((p) => p.metadata.name !== name), {
      timeoutMs: WAIT_MS,
      what: `pod ${name} gone`,
    });
    return ms;
  }

  async startMany(name: string, n: number): Promise<StartMany> {
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    const all = this.#watch.next(
      (p) => {
        const pod = p.metadata.name ?? "";
        if (p.metadata.labels?.["app"] !== name) return false;
        const now = performance.now();
        if (!created.has(pod)) created.set(pod, now);
        if (allRunning(p) && !running.has(pod)) running.set(pod, now);
        return running.size === n;
      },
      { timeoutMs: WAIT_MS + n * 1000, what: `${n} running pods of ${name}` },
    );
    const t0 = performance.now();
    await this.#deployments.create(deploymentManifest(name, n, this.image(1)));
    await all;
    const pods = [...running.entries()];
    return {
      sinceWorkload: pods.map(([, t]) => t - t0),
      sinceReplica: pods.map(([pod, t]) => t - (created.get(pod) ?? t0)),
    };
  }

  async startPaced(name: string, n: number, perSecond: number): Promise<number[]> {
    const latencies = await atUniformRate(n, perSecond, async (i) => {
      const pod = `${name}-${i}`;
      const running = this.#watch.next((p) => p.metadata.name === pod && allRunning(p), {
        timeoutMs: WAIT_MS + n * 1000,
        what: `pod ${pod} running`,
      });
      const t0 = performance.now();
      await this.#pods.create(podManifest(pod, this.image(1), { app: name }));
      return (await running).at - t0;
    });
    for (const p of this.#watch.pods({ app: name })) await this.#pods.delete(NS, p.metadata.name ?? "");
    await this.#watch.until(() => this.#watch.pods({ app: name }).length === 0, {
      timeoutMs: WAIT_MS + 60_000,
      what: `every pod of ${name} gone`,
    });
    return latencies;
  }

  async deploy(w: Workload): Promise<void> {
    await this.#deployments.create(deploymentManifest(w.name, w.replicas, this.image(1)));
    await this.#readyCount(w.name, w.replicas, () => true);
  }

  async killOne(name: string): Promise<number> {
    const pod = this.#pick(name);
    const status = firstContainer(pod);
    const id = (status?.containerID ?? "").replace(/^[a-z]+:\/\//, "");
    const inspect = await this.#cluster.engine.dockerOk(["inspect", "-f", "{{.State.Pid}}", id]);
    const pid = Number(inspect.stdout.trim());
    if (!(pid > 0)) throw new Error(`no PID for container ${id} of pod ${pod.metadata.name}`);
    const before = status?.restartCount ?? 0;
    const podName = pod.metadata.name;
    const back = this.#watch.next(
      (p) => p.metadata.name === podName && (firstContainer(p)?.restartCount ?? 0) > before && allRunning(p),
      { timeoutMs: WAIT_MS, what: `pod ${podName} restarted and running` },
    );
    const t0 = performance.now();
    process.kill(pid, "SIGKILL");
    return (await back).at - t0;
  }

  async deleteOne(name: string): Promise<number> {
    const pod = this.#pick(name);
    const known = new Set(this.#watch.pods({ app: name }).map((p) => p.metadata.name));
    const back = this.#watch.next(
      (p) =>
        p.metadata.labels?.["app"] === name &&
        !known.has(p.metadata.name) &&
        allRunning(p) &&
        !isTerminating(p),
      { timeoutMs: WAIT_MS, what: `a replacement pod of ${name} running` },
    );
    const t0 = performance.now();
    await this.#pods.delete(NS, pod.metadata.name ?? "");
    return (await back).at - t0;
  }

  async scale(name: string, replicas: number): Promise<number> {
    const t0 = performance.now();
    await this.#deployments.patch(NS, name, "merge", { spec: { replicas } });
    return (await this.#readyCount(name, replicas, () => true)) - t0;
  }

  async update(name: string, v: 1 | 2): Promise<number> {
    const image = this.image(v);
    const replicas = this.#live(name).length;
    const t0 = performance.now();
    await this.#deployments.patch(NS, name, "strategic", {
      spec: { template: { spec: { containers: [{ name: "web", image }] } } },
    });
    return (await this.#readyCount(name, replicas, (p) => podImage(p) === image)) - t0;
  }

  async remove(name: string): Promise<void> {
    await this.#deployments.delete(NS, name, { propagationPolicy: "Background" });
    await this.#watch.until(() => this.#watch.pods({ app: name }).length === 0, {
      timeoutMs: WAIT_MS + 60_000,
      what: `every pod of ${name} gone`,
    });
  }

  async memory(): Promise<MemoryReport> {
    const server = this.#cluster.engine.server.pid;
    const execRoot = join(this.#cluster.engine.socketPath, "..", "run");
    const m = await engineMemory(
      (p) => p.pid === server || (p.comm === "conmon" && p.cmdline.includes(execRoot)),
    );
    const helpers = m.byName["conmon"]?.mib ?? 0;
    return { serverMiB: m.totalMiB - helpers, helpersMiB: helpers, byName: m.byName };
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
    this.#client.close();
    await this.#cluster.stop();
  }

  #live(name: string): KubeObject[] {
    return this.#watch.pods({ app: name }).filter((p) => !isTerminating(p));
  }

  /** When exactly `n` live pods of `name` are Ready and all of them pass `accept`. */
  #readyCount(name: string, n: number, accept: (p: KubeObject) => boolean): Promise<number> {
    return this.#watch.until(
      () => {
        const live = this.#live(name);
        return live.length === n && live.every((p) => isReady(p) && allRunning(p) && accept(p));
      },
      { timeoutMs: WAIT_MS, what: `${n} Ready pods of ${name}` },
    );
  }

  /** A running pod of `name` not picked before (CrashLoopBackOff would delay a second hit). */
  #pick(name: string): KubeObject {
    const pod = this.#live(name).find((p) => allRunning(p) && !this.#picked.has(p.metadata.name ?? ""));
    if (pod === undefined) throw new Error(`no running pod of ${name} left to pick`);
    this.#picked.add(pod.metadata.name ?? "");
    return pod;
  }
}
