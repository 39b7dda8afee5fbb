// An in-memory ContainerService for the engine's tests: Docker's container semantics as far
// as the wire protocol shows them (names, states, exit codes, wait conditions, --rm, logs,
// exec), with FakeProcess standing in for runc.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { emptyCpuStats, type DockerStats } from "../../runtime/cgroups-types.js";
import { EngineError } from "../errors.js";
import type {
  AttachStream,
  ContainerCreateBody,
  ContainerJSON,
  ContainerSummary,
  EngineContainers,
  EngineImages,
  ExecConfig,
  ExecInspect,
  Filters,
  LogEntry,
  WaitCondition,
  WaitResponse,
} from "../ports.js";
import { fakeContainerJSON } from "./fake-container-json.js";
import { FakeProcess } from "./fake-process.js";

interface FakeContainer {
  id: string;
  name: string;
  body: ContainerCreateBody;
  imageId: string;
  created: Date;
  process: FakeProcess;
  status: "created" | "running" | "exited";
  removed: boolean;
  exitWaiters: Array<(code: number) => void>;
  removeWaiters: Array<(code: number) => void>;
}

interface FakeExec {
  id: string;
  container: FakeContainer;
  config: ExecConfig;
  process?: FakeProcess;
}

const noSuch = (ref: string) => new EngineError(404, `No such container: ${ref}`);

export class FakeContainers implements EngineContainers {
  readonly #containers = new Map<string, FakeContainer>();
  readonly #execs = new Map<string, FakeExec>();
  readonly #images: Pick<EngineImages, "get">;
  /** Every call, for tests that check ordering (e.g. wait before start). */
  readonly calls: string[] = [];

  constructor(images: Pick<EngineImages, "get">) {
    this.#images = images;
  }

  #find(ref: string): FakeContainer {
    const name = ref.replace(/^\//, "");
    for (const c of this.#containers.values()) if (c.name === name) return c;
    const byId = [...this.#containers.values()].filter((c) => c.id.startsWith(ref));
    if (byId.length !== 1 || ref === "") throw noSuch(ref);
    return byId[0] as FakeContainer;
  }

  create(body: ContainerCreateBody, o: { name?: string }): Promise<{ Id: string; Warnings: string[] }> {
    this.calls.push("create");
    const image = this.#images.get(body.Image ?? "");
    const id = randomBytes(32).toString("hex");
    const name = o.name ?? `fake_${id.slice(0, 6)}`;
    const taken = [...this.#containers.values()].find((c) => c.name === name);
    if (taken !== undefined) {
      throw new EngineError(
        409,
        `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const argv = [...(body.Entrypoint ?? []), ...(body.Cmd ?? [])];
    const container: FakeContainer = {
      id,
      name,
      body,
      imageId: image.id,
      created: new Date(),
      process: new FakeProcess(argv, body.Tty === true),
      status: "created",
      removed: false,
      exitWaiters: [],
      removeWaiters: [],
    };
    container.process.on("exit", (code: number) => {
      container.status = "exited";
      for (const w of container.exitWaiters.splice(0)) w(code);
      if (body.HostConfig?.AutoRemove === true) setImmediate(() => this.#delete(container));
    });
    this.#containers.set(id, container);
    return Promise.resolve({ Id: id, Warnings: [] });
  }

  #delete(c: FakeContainer): void {
    if (c.removed) return;
    c.removed = true;
    this.#containers.delete(c.id);
    for (const w of c.removeWaiters.splice(0)) w(c.process.exitCode ?? 0);
  }

  async start(ref: string): Promise<void> {
    this.calls.push("start");
    const c = this.#find(ref);
    if (c.status === "running") throw new EngineError(304, "container already started");
    c.status = "running";
    c.process.start();
  }

  async stop(ref: string, o: { signal?: string }): Promise<void> {
    const c = this.#find(ref);
    if (c.status !== "running") throw new EngineError(304, "container already stopped");
    c.process.kill(o.signal ?? "SIGTERM");
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const c = this.#find(ref);
    if (c.status !== "running")
      throw new EngineError(409, `Cannot kill container: ${ref}: container ${c.id} is not running`);
    c.process.kill(signal ?? "SIGKILL");
  }

  async pause(ref: string): Promise<void> {
    this.#find(ref);
    throw new EngineError(409, "pause is not faked");
  }

  async unpause(ref: string): Promise<void> {
    this.#find(ref);
    throw new EngineError(409, "unpause is not faked");
  }

  async restart(ref: string): Promise<void> {
    const c = this.#find(ref);
    c.process.kill("SIGTERM");
    c.status = "running";
    c.process.start();
  }

  async remove(ref: string, o: { force: boolean }): Promise<void> {
    const c = this.#find(ref);
    if (c.status === "running" && !o.force) {
      throw new EngineError(
        409,
        `cannot remove container "/${c.name}": container is running: stop the container before removing or force remove`,
      );
    }
    c.process.kill("SIGKILL");
    this.#delete(c);
  }

  async rename(ref: string, name: string): Promise<void> {
    this.#find(ref).name = name;
  }

  wait(ref: string, condition: WaitCondition): Promise<WaitResponse> {
    this.calls.push(`wait:${condition}`);
    let c: FakeContainer;
    try {
      c = this.#find(ref);
    } catch (err) {
      return Promise.reject(err);
    }
    if (condition === "not-running" && c.status !== "running") {
      return Promise.resolve({ StatusCode: c.process.exitCode ?? 0 });
    }
    return new Promise((resolve) => {
      const done = (code: number) => resolve({ StatusCode: code });
      if (condition === "removed") c.removeWaiters.push(done);
      else c.exitWaiters.push(done);
    });
  }

  inspect(ref: string): ContainerJSON {
    const c = this.#find(ref);
    return fakeContainerJSON(c.id, c.name, c.body, c.status, c.process.exitCode ?? 0, c.imageId);
  }

  list(o: { all: boolean; filters: Filters }): ContainerSummary[] {
    return [...this.#containers.values()]
      .filter((c) => o.all || c.status === "running")
      .filter((c) => !o.filters.name || o.filters.name.some((n) => c.name.includes(n)))
      .map((c) => ({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: c.body.Image ?? "",
        ImageID: c.imageId,
        Command: c.process.argv.join(" "),
        Created: Math.floor(c.created.getTime() / 1000),
        Ports: [],
        Labels: {},
        State: c.status,
        Status:
          c.status === "running"
            ? "Up 1 second"
            : c.status === "exited"
              ? `Exited (${c.process.exitCode}) 1 second ago`
              : "Created",
        HostConfig: { NetworkMode: "bridge" },
        NetworkSettings: { Networks: {} },
        Mounts: [],
      }));
  }

  async *logs(ref: string, o: { stdout: boolean; stderr: boolean; tail?: number }): AsyncIterable<LogEntry> {
    const c = this.#find(ref);
    let chunks = c.process.log.filter((l) => (l.stream === "stdout" ? o.stdout : o.stderr));
    if (o.tail !== undefined) chunks = chunks.slice(Math.max(0, chunks.length - o.tail));
    for (const l of chunks) {
      yield {
        stream: l.stream,
        line: l.data,
        partial: false,
        timestamp: l.timestamp,
        seconds: Date.parse(l.timestamp) / 1000,
      };
    }
  }

  async attach(ref: string, o: { stdin: boolean }): Promise<AttachStream> {
    this.calls.push("attach");
    return this.#find(ref).process.attach({ stdin: o.stdin });
  }

  async resize(ref: string): Promise<void> {
    this.#find(ref);
  }

  execCreate(ref: string, config: ExecConfig): string {
    const c = this.#find(ref);
    if (c.status !== "running") throw new EngineError(409, `container ${c.id} is not running`);
    const id = randomBytes(32).toString("hex");
    this.#execs.set(id, { id, container: c, config });
    return id;
  }

  #exec(id: string): FakeExec {
    const e = this.#execs.get(id);
    if (e === undefined) throw new EngineError(404, `No such exec instance: ${id}`);
    return e;
  }

  async execStart(id: string, o: { detach: boolean; tty: boolean }): Promise<AttachStream | undefined> {
    const e = this.#exec(id);
    e.process = new FakeProcess(e.config.Cmd ?? [], o.tty);
    const stream = o.detach ? undefined : e.process.attach({ stdin: e.config.AttachStdin === true });
    e.process.start();
    return stream;
  }

  execInspect(id: string): ExecInspect {
    const e = this.#exec(id);
    return {
      CanRemove: false,
      ContainerID: e.container.id,
      DetachKeys: "",
      ExitCode: e.process?.exitCode ?? null,
      ID: e.id,
      OpenStderr: e.config.AttachStderr === true,
      OpenStdin: e.config.AttachStdin === true,
      OpenStdout: e.config.AttachStdout === true,
      ProcessConfig: {
        arguments: (e.config.Cmd ?? []).slice(1),
        entrypoint: e.config.Cmd?.[0] ?? "",
        privileged: false,
        tty: e.config.Tty === true,
      },
      Running: e.process?.running ?? false,
      Pid: 0,
    };
  }

  async execResize(id: string): Promise<void> {
    this.#exec(id);
  }

  async top(ref: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const c = this.#find(ref);
    return { Titles: ["PID", "CMD"], Processes: [["1", c.process.argv.join(" ")]] };
  }

  async *stats(ref: string): AsyncIterable<DockerStats> {
    const c = this.#find(ref);
    const now = new Date().toISOString();
    yield {
      id: c.id,
      name: `/${c.name}`,
      read: now,
      preread: now,
      pids_stats: { current: 1 },
      blkio_stats: {},
      num_procs: 0,
      storage_stats: {},
      cpu_stats: emptyCpuStats(),
      precpu_stats: emptyCpuStats(),
      memory_stats: { usage: 1024, limit: 1 << 30 },
    };
  }

  export(ref: string): Readable {
    this.#find(ref);
    return Readable.from([Buffer.alloc(1024)]);
  }

  changesForCommit(): never {
    throw new EngineError(500, "commit is not faked");
  }

  usedImages(): Map<string, string[]> {
    const used = new Map<string, string[]>();
    for (const c of this.#containers.values()) used.set(c.imageId, [...(used.get(c.imageId) ?? []), c.id]);
    return used;
  }

  usedVolumes(): Map<string, string[]> {
    return new Map();
  }
}
