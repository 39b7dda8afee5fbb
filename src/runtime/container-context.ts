// The state ContainerService's parts share: the dependencies, every container's in-memory
// entry (its record plus what only lives while the server runs: the exit watcher, a pending
// restart, attach clients waiting for a start, waiters), the name index, and one lock per
// container so that create, start, exit handling and remove never interleave on one container.
import type { Logger } from "pino";
import { KeyedMutex } from "../content/keyed-mutex.js";
import type {
  ContainerImage,
  ImageLookup,
  NetworkProvider,
  RootfsProvider,
  VolumeProvider,
} from "./container-deps.js";
import { InvalidParameterError, NoSuchContainerError } from "./container-errors.js";
import { ContainerPaths, saveRecord, type ContainerRecord } from "./container-record.js";
import type { WaitResponse } from "./docker-api-types.js";
import type { OciRlimit } from "./oci-spec-types.js";
import type { Runtime } from "./runtime.js";

/** The low-level runtime calls containers use (src/runtime/runtime.ts). */
export type ContainerRuntime = Pick<
  Runtime,
  | "create"
  | "start"
  | "kill"
  | "state"
  | "delete"
  | "waitExit"
  | "attach"
  | "resize"
  | "exec"
  | "top"
  | "pause"
  | "resume"
>;

export interface ContainerServiceDeps<I extends ContainerImage = ContainerImage> {
  /** DATA/containers */
  root: string;
  runtime: ContainerRuntime;
  images: ImageLookup<I>;
  rootfs: RootfsProvider<I>;
  network: NetworkProvider;
  volumes: VolumeProvider;
  logger: Logger;
  /** The host's rlimits (readHostRlimits()); read from /proc/self/limits when absent. */
  hostRlimits?: OciRlimit[];
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /** The cgroup every container's cgroup is made under (default "skiff": /skiff/<id>). */
  cgroupParent?: string;
}

/** Something that wants to hear when a container stops (or is removed). */
export type Waiter = (r: WaitResponse) => void;

/** A client attached before the container started; connected right before `runc start`. */
export interface PendingAttach {
  connect(bundleDir: string): Promise<void>;
  readonly closed: boolean;
}

export class ContainerEntry {
  rec: ContainerRecord;
  readonly paths: ContainerPaths;
  /** Aborts the wait for conmon's exit file (remove, or a server shutdown). */
  watcher: AbortController | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  /** The last restart back-off, for the next doubling. */
  restartDelayMs = 0;
  pendingAttach: PendingAttach[] = [];
  exitWaiters: Waiter[] = [];
  removeWaiters: Waiter[] = [];
  removed = false;
  /** What the last run set up (runc's container, network, mount) has been taken down. */
  released = false;

  constructor(root: string, rec: ContainerRecord) {
    this.rec = rec;
    this.paths = new ContainerPaths(root, rec.id);
  }

  notifyExit(): void {
    const r: WaitResponse = { StatusCode: this.rec.state.exitCode };
    if (this.rec.state.error !== "") r.Error = { Message: this.rec.state.error };
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w(r);
  }

  notifyRemoved(): void {
    const r: WaitResponse = { StatusCode: this.rec.state.exitCode };
    const waiters = [...this.exitWaiters, ...this.removeWaiters];
    this.exitWaiters = [];
    this.removeWaiters = [];
    for (const w of waiters) w(r);
  }

  /** Resolves at the next exit (or removal). */
  nextExit(): Promise<WaitResponse> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Like nextExit, with a way to stop waiting (so a short-lived reader leaves no waiter behind). */
  nextExitCancellable(): { exited: Promise<WaitResponse>; cancel(): void } {
    let waiter: Waiter | undefined;
    const exited = new Promise<WaitResponse>((resolve) => {
      waiter = resolve;
      this.exitWaiters.push(resolve);
    });
    return {
      exited,
      cancel: () => {
        const at = waiter === undefined ? -1 : this.exitWaiters.indexOf(waiter);
        if (at >= 0) this.exitWaiters.splice(at, 1);
      },
    };
  }
}

export class ContainerContext<I extends ContainerImage = ContainerImage> {
  readonly deps: ContainerServiceDeps<I>;
  readonly entries = new Map<string, ContainerEntry>();
  /** name (without "/") → id; also holds names reserved by a create in progress. */
  readonly names = new Map<string, string>();
  readonly lock = new KeyedMutex();
  readonly logger: Logger;

  constructor(deps: ContainerServiceDeps<I>) {
    this.deps = deps;
    this.logger = deps.logger;
  }

  now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** The container's cgroup (runc's linux.cgroupsPath; stats read it). */
  cgroupsPath(id: string): string {
    return `/${this.deps.cgroupParent ?? "skiff"}/${id}`;
  }

  save(e: ContainerEntry): Promise<void> {
    return saveRecord(this.deps.root, e.rec);
  }

  add(e: ContainerEntry): void {
    this.entries.set(e.rec.id, e);
    this.names.set(e.rec.name, e.rec.id);
  }

  forget(e: ContainerEntry): void {
    this.entries.delete(e.rec.id);
    if (this.names.get(e.rec.name) === e.rec.id) this.names.delete(e.rec.name);
  }

  /** Docker's lookup order: full ID, then name, then a unique ID prefix. */
  lookup(ref: string): ContainerEntry {
    const exact = this.entries.get(ref);
    if (exact) return exact;
    const byName = this.names.get(ref.startsWith("/") ? ref.slice(1) : ref);
    if (byName !== undefined) {
      const e = this.entries.get(byName);
      if (e) return e;
    }
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = [...this.entries.keys()].filter((id) => id.startsWith(ref));
      if (matches.length > 1)
        throw new InvalidParameterError(`multiple IDs found with provided prefix: ${ref}`);
      const only = matches[0];
      if (only !== undefined) return this.entries.get(only) as ContainerEntry;
    }
    throw new NoSuchContainerError(ref);
  }

  readonly #exitListeners = new Set<(id: string) => void>();

  /** Hears every recorded exit of a container process (the record says exited or restarting). */
  onExit(listener: (id: string) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  emitExit(id: string): void {
    for (const l of [...this.#exitListeners]) {
      try {
        l(id);
      } catch (err) {
        this.logger.error({ id, err }, "an exit listener failed");
      }
    }
  }

  readonly #background = new Set<Promise<void>>();

  /** Keeps track of work that goes on after its request was answered (see settled()). */
  background(p: Promise<void>): void {
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  /** Resolves once the background work started so far has ended. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** Runs `fn` holding the container's lock. */
  locked<T>(e: ContainerEntry, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(e.rec.id, fn);
  }
}
