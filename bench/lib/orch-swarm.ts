// Docker Swarm as the orchestration benchmark's peer: Debian's dockerd on private directories
// (bench/lib/dockerd.ts) turned into a one-node swarm, the busybox httpd image imported into it,
// services created and changed through the Engine API, and container start events as the watch.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test/support/child.js";
import { dockerCli } from "../../test/support/engine-server.js";
import { run, runOk } from "../../test/support/tools.js";
import { DockerApi } from "./docker-api.js";
import { startDockerd } from "./dockerd.js";
import { httpdImportArgs, httpdRootfsTar } from "./httpd-image.js";
import {
  atUniformRate,
  pollUntil,
  type MemoryReport,
  type OrchTarget,
  type StartMany,
  type Workload,
} from "./orch-target.js";
import { engineMemory } from "./process-tree.js";
import { Waiters } from "./waiters.js";

const SERVICE_LABEL = "com.docker.swarm.service.name";
const WAIT_MS = 120_000;
const STOP_GRACE_NS = 1e9;

export interface ContainerEvent {
  id: string;
  service: string;
  image: string;
}

interface SwarmTask {
  CreatedAt?: string;
  Status?: { ContainerStatus?: { ContainerID?: string } };
}

interface ServiceInspect {
  ID: string;
  Version: { Index: number };
  Spec: {
    Mode: { Replicated?: { Replicas: number } };
    TaskTemplate: { ContainerSpec: { Image: string } };
  };
}

/** A container start event of the Engine API as the bench needs it; undefined for others. */
export function containerStart(raw: unknown): ContainerEvent | undefined {
  const e = raw as {
    Type?: string;
    Action?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
  };
  const attrs = e.Actor?.Attributes ?? {};
  if (e.Type !== "container" || e.Action !== "start" || e.Actor?.ID === undefined) return undefined;
  return { id: e.Actor.ID, service: attrs[SERVICE_LABEL] ?? "", image: attrs["image"] ?? "" };
}

export async function startSwarmTarget(o: { log: (msg: string) => void }): Promise<OrchTarget> {
  // Swarm tries a registry pull before every task unless told to prefer local images; with no
  // registry reachable that would be measured as its start time.
  const dockerd = await startDockerd({ env: { DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: "1" } });
  const work = join(dockerd.socketPath, "..");
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${dockerd.socketPath}`,
    DOCKER_CONFIG: join(work, "config"),
  };
  const docker = (args: string[]) => runOk(dockerCli(), args, { env, timeoutMs: WAIT_MS });
  const api = new DockerApi({ socketPath: dockerd.socketPath });
  const abort = new AbortController();
  try {
    const port = await freePort();
    await docker(["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", `127.0.0.1:${port}`]);
    const tarDir = await mkdtemp(join(tmpdir(), "skiff-bench-swarm-"));
    for (const v of [1, 2] as const)
      await docker(httpdImportArgs(await httpdRootfsTar(tarDir), `bench/httpd:${v}`, v));
    await rm(tarDir, { recursive: true, force: true });
    const starts = new Waiters<ContainerEvent>();
    await api.events(
      { type: ["container"], event: ["start"] },
      (raw) => {
        const ev = containerStart(raw);
        if (ev !== undefined) starts.offer(ev);
      },
      abort.signal,
    );
    o.log(`swarm: dockerd ${dockerd.pid} in a one-node swarm`);
    return new SwarmTarget({
      api,
      starts,
      stopDockerd: async () => {
        abort.abort();
        await run(dockerCli(), ["swarm", "leave", "--force"], { env, timeoutMs: 60_000 });
        await dockerd.stop();
        await removeDockerBridges();
      },
      owns: (p) =>
        p.pid === dockerd.pid ||
        (["containerd", "containerd-shim-runc-v2", "containerd-shim"].includes(p.comm) &&
          p.cmdline.includes(work)),
    });
  } catch (err) {
    abort.abort();
    await dockerd.stop();
    throw err;
  }
}

class SwarmTarget implements OrchTarget {
  readonly name = "swarm";
  readonly #api: DockerApi;
  readonly #starts: Waiters<ContainerEvent>;
  readonly #stopDockerd: () => Promise<void>;
  readonly #owns: (p: { pid: number; comm: string; cmdline: string }) => boolean;
  readonly #hit = new Set<string>();

  constructor(o: {
    api: DockerApi;
    starts: Waiters<ContainerEvent>;
    stopDockerd: () => Promise<void>;
    owns: (p: { pid: number; comm: string; cmdline: string }) => boolean;
  }) {
    this.#api = o.api;
    this.#starts = o.starts;
    this.#stopDockerd = o.stopDockerd;
    this.#owns = o.owns;
  }

  image(v: 1 | 2): string {
    return `bench/httpd:${v}`;
  }

  async startOne(name: string): Promise<number> {
    const { sinceWorkload } = await this.startMany(name, 1);
    await this.remove(name);
    return sinceWorkload[0] as number;
  }

  async startMany(name: string, n: number): Promise<StartMany> {
    const started = new Map<string, number>();
    const all = this.#starts.next(
      (e) => e.service === name && started.set(e.id, performance.now()).size === n,
      { timeoutMs: WAIT_MS + n * 1000, what: `${n} running containers of service ${name}` },
    );
    const t0 = performance.now();
    await this.#api.call("POST", "/services/create", this.#spec({ name, replicas: n }));
    await all;
    const created = await this.#taskCreation(name);
    const sinceReplica: number[] = [];
    for (const [id, at] of started) {
      const task = created.get(id);
      if (task !== undefined) sinceReplica.push(performance.timeOrigin + at - task);
    }
    return { sinceWorkload: [...started.values()].map((t) => t - t0), sinceReplica };
  }

  async startPaced(name: string, n: number, perSecond: number): Promise<number[]> {
    const services = Array.from({ length: n }, (_, i) => `${name}-${i}`);
    try {
      return await atUniformRate(n, perSecond, async (i) => {
        const service = services[i] as string;
        const running = this.#starts.next((e) => e.service === service, {
          timeoutMs: WAIT_MS + n * 1000,
          what: `the container of service ${service} running`,
        });
        const t0 = performance.now();
        await this.#api.call("POST", "/services/create", this.#spec({ name: service, replicas: 1 }));
        return (await running).at - t0;
      });
    } finally {
      for (const service of services) await this.remove(service).catch(() => undefined);
    }
  }

  /** Container id → its task's CreatedAt (ms since the epoch) for the tasks of a service. */
  async #taskCreation(service: string): Promise<Map<string, number>> {
    const filters = encodeURIComponent(JSON.stringify({ service: [service] }));
    const tasks = (await this.#api.call("GET", `/tasks?filters=${filters}`)) as SwarmTask[];
    const out = new Map<string, number>();
    for (const t of tasks) {
      const id = t.Status?.ContainerStatus?.ContainerID;
      if (id !== undefined && t.CreatedAt !== undefined) out.set(id, Date.parse(t.CreatedAt));
    }
    return out;
  }

  async deploy(w: Workload): Promise<void> {
    const all = this.#countStarts((e) => e.service === w.name, w.replicas, `service ${w.name}`);
    await this.#api.call("POST", "/services/create", this.#spec(w));
    await all;
  }

  async killOne(name: string): Promise<number> {
    const id = await this.#pickContainer(name);
    const { State } = (await this.#api.call("GET", `/containers/${id}/json`)) as { State: { Pid: number } };
    const back = this.#nextNew(name);
    const t0 = performance.now();
    process.kill(State.Pid, "SIGKILL");
    return (await back).at - t0;
  }

  async deleteOne(name: string): Promise<number> {
    const id = await this.#pickContainer(name);
    const back = this.#nextNew(name);
    const t0 = performance.now();
    await this.#api.call("DELETE", `/containers/${id}?force=true`);
    return (await back).at - t0;
  }

  async scale(name: string, replicas: number): Promise<number> {
    const before = (await this.#containers(name)).length;
    const up = replicas > before;
    const all = up
      ? this.#countStarts((e) => e.service === name, replicas - before, `${replicas} tasks of ${name}`)
      : undefined;
    const t0 = performance.now();
    await this.#updateService(name, (spec) => {
      spec.Mode = { Replicated: { Replicas: replicas } };
    });
    if (all !== undefined) return (await all) - t0;
    await pollUntil(async () => (await this.#containers(name)).length === replicas, {
      timeoutMs: WAIT_MS,
      what: `${replicas} containers of ${name}`,
    });
    return performance.now() - t0;
  }

  async update(name: string, v: 1 | 2): Promise<number> {
    const replicas = (await this.#containers(name)).length;
    const image = this.image(v);
    const all = this.#countStarts(
      (e) => e.service === name && e.image === image,
      replicas,
      `${replicas} tasks of ${name} on ${image}`,
    );
    const t0 = performance.now();
    await this.#updateService(name, (spec) => {
      spec.TaskTemplate.ContainerSpec.Image = image;
    });
    return (await all) - t0;
  }

  async remove(name: string): Promise<void> {
    await this.#api.call("DELETE", `/services/${name}`);
    await pollUntil(async () => (await this.#containers(name, true)).length === 0, {
      timeoutMs: WAIT_MS,
      what: `no containers of ${name}`,
    });
  }

  async memory(): Promise<MemoryReport> {
    const m = await engineMemory(this.#owns);
    const helpers = ["containerd-shim-runc-v2", "containerd-shim"].reduce(
      (sum, n) => sum + (m.byName[n]?.mib ?? 0),
      0,
    );
    return { serverMiB: m.totalMiB - helpers, helpersMiB: helpers, byName: m.byName };
  }

  async stop(): Promise<void> {
    const services = (await this.#api.call("GET", "/services")) as { ID: string }[];
    for (const s of services) await this.#api.call("DELETE", `/services/${s.ID}`).catch(() => undefined);
    await pollUntil(
      async () => ((await this.#api.call("GET", "/containers/json?all=1")) as unknown[]).length === 0,
      {
        timeoutMs: WAIT_MS,
        what: "every swarm container removed",
      },
    ).catch(() => undefined);
    await this.#stopDockerd();
  }

  #spec(w: Workload): unknown {
    const delay =
      w.restartDelay === undefined
        ? {}
        : { RestartPolicy: { Condition: "any", Delay: nanos(w.restartDelay) } };
    // The same grace as Skiff's pods (terminationGracePeriodSeconds 1): busybox httpd as PID 1
    // ignores SIGTERM, so Docker's default 10 s would be measured in every stop-first update.
    return {
      Name: w.name,
      TaskTemplate: { ContainerSpec: { Image: this.image(1), StopGracePeriod: STOP_GRACE_NS }, ...delay },
      Mode: { Replicated: { Replicas: w.replicas } },
    };
  }

  /** Resolves with the time the `n`-th matching container start arrived. */
  async #countStarts(
    accept: (e: { service: string; image: string }) => boolean,
    n: number,
    what: string,
  ): Promise<number> {
    let seen = 0;
    const last = await this.#starts.next((e) => accept(e) && ++seen === n, { timeoutMs: WAIT_MS, what });
    return last.at;
  }

  /** The next start of a container of `name` that was not there before. */
  #nextNew(name: string): Promise<{ at: number }> {
    const known = new Set(this.#hit);
    return this.#starts.next((e) => e.service === name && !known.has(e.id), {
      timeoutMs: WAIT_MS,
      what: `a new container of ${name}`,
    });
  }

  /** A running container of the service not picked before (each kill hits a different task). */
  async #pickContainer(name: string): Promise<string> {
    const ids = await this.#containers(name);
    for (const id of ids) this.#hit.add(id);
    const id = ids.find((i) => !this.#picked.has(i));
    if (id === undefined) throw new Error(`no running container of ${name} left to pick`);
    this.#picked.add(id);
    return id;
  }

  readonly #picked = new Set<string>();

  async #containers(name: string, all = false): Promise<string[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${SERVICE_LABEL}=${name}`] }));
    const list = (await this.#api.call("GET", `/containers/json?all=${all ? 1 : 0}&filters=${filters}`)) as {
      Id: string;
    }[];
    return list.map((c) => c.Id);
  }

  async #updateService(name: string, change: (spec: ServiceInspect["Spec"]) => void): Promise<void> {
    const s = (await this.#api.call("GET", `/services/${name}`)) as ServiceInspect;
    change(s.Spec);
    await this.#api.call("POST", `/services/${s.ID}/update?version=${s.Version.Index}`, s.Spec);
  }
}

/**
 * dockerd leaves its bridges (docker0, and docker_gwbridge made by `swarm init`) behind when it
 * stops; they go unless another dockerd (another benchmark) still runs.
 */
async function removeDockerBridges(): Promise<void> {
  if ((await run("pgrep", ["-x", "dockerd"])).code === 0) return;
  for (const bridge of ["docker_gwbridge", "docker0"]) await run("ip", ["link", "delete", bridge]);
}

/** "0s", "5s", "250ms" as nanoseconds. */
export function nanos(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(duration);
  if (m === null) throw new Error(`unsupported duration ${duration}`);
  return Math.round(Number(m[1]) * (m[2] === "s" ? 1e9 : 1e6));
}
