// ContainerService: Docker's container semantics (create, start, stop, kill, restart policies,
// wait, remove, rename, inspect, ps, logs, attach, exec, top, stats, export) over the
// low-level Runtime (conmon + runc), a root filesystem per container, networking and volumes.
// It speaks the Docker Engine API's own JSON (docker-api-types.ts) and raises errors with
// Docker's status codes and words (container-errors.ts). State lives in one record per
// container (container-record.ts); containers outlive the server and `recover()` picks them up.
//
//   const containers = new ContainerService({ root, runtime, images, rootfs, network, volumes, logger });
//   await containers.recover();
//   const { Id } = await containers.create({ Image: "busybox", Cmd: ["sh", "-c", "exit 3"] }, { name: "demo" });
//   const exit = containers.wait(Id, "next-exit");
//   await containers.start(Id);
//   (await exit).StatusCode; // 3
import type { Readable } from "node:stream";
import type { Image } from "../images/image-view.js";
import type { AttachStream } from "./attach.js";
import type { DockerStats } from "./cgroups.js";
import { ContainerContext, type ContainerServiceDeps } from "./container-context.js";
import { createContainer } from "./container-create.js";
import type { ContainerImage } from "./container-deps.js";
import { ExecRegistry } from "./container-exec.js";
import {
  attachContainer,
  containerLogs,
  containerStats,
  resizeContainer,
  topContainer,
  type AttachOptions,
  type LogsOptions,
} from "./container-io.js";
import {
  killContainer,
  pauseContainer,
  renameContainer,
  restartContainer,
  startContainer,
  stopContainer,
} from "./container-lifecycle.js";
import { filterRecords, type ListOptions } from "./container-list.js";
import { recoverContainers } from "./container-recover.js";
import { removeEntry } from "./container-remove.js";
import { isRunning } from "./container-status.js";
import { inspectView, portSummaries, summaryView } from "./container-views.js";
import type {
  ContainerConfig,
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerJSON,
  ContainerSummary,
  ContainerTopResponse,
  ExecConfig,
  ExecInspect,
  PortSummary,
  WaitCondition,
  WaitResponse,
} from "./docker-api-types.js";
import type { LogEntry } from "./logs.js";

export type { ContainerServiceDeps, ContainerRuntime } from "./container-context.js";
export type { AttachOptions, LogsOptions } from "./container-io.js";
export type { ListOptions, ListFilters } from "./container-list.js";
export * from "./container-errors.js";
export { ContainerStartError } from "./container-start.js";

/** `I`: the image type the image store returns (images/ `Image`; tests may use a smaller one). */
export class ContainerService<I extends ContainerImage = Image> {
  readonly #ctx: ContainerContext<I>;
  readonly #execs: ExecRegistry<I>;

  constructor(deps: ContainerServiceDeps<I>) {
    this.#ctx = new ContainerContext(deps);
    this.#execs = new ExecRegistry(this.#ctx);
  }

  /** Loads every record and reconciles it with runc and conmon (see container-recover.ts). */
  recover(): Promise<void> {
    return recoverContainers(this.#ctx);
  }

  /** Stops watching containers (they keep running); for server shutdown and tests. */
  close(): void {
    for (const e of this.#ctx.entries.values()) {
      e.watcher?.abort();
      clearTimeout(e.restartTimer);
    }
  }

  /** Resolves once the cleanups that go on after a removal was answered have ended. */
  settled(): Promise<void> {
    return this.#ctx.settled();
  }

  /** The full ID of a container reference (ID, name, or unique ID prefix); 404 otherwise. */
  resolve(ref: string): string {
    return this.#ctx.lookup(ref).rec.id;
  }

  create(
    body: ContainerCreateBody,
    o: { name?: string; platform?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return createContainer(this.#ctx, body, o);
  }

  start(ref: string): Promise<void> {
    return startContainer(this.#ctx, this.#ctx.lookup(ref));
  }

  /** 304 NotModifiedError when it is not running. `timeout` in seconds (-1: wait forever). */
  stop(ref: string, o: { signal?: string; timeout?: number } = {}): Promise<void> {
    return stopContainer(this.#ctx, this.#ctx.lookup(ref), o);
  }

  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this.#ctx, this.#ctx.lookup(ref), ref, signal);
  }

  restart(ref: string, o: { signal?: string; timeout?: number } = {}): Promise<void> {
    return restartContainer(this.#ctx, this.#ctx.lookup(ref), o);
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.#ctx, this.#ctx.lookup(ref), true);
  }

  unpause(ref: string): Promise<void> {
    return pauseContainer(this.#ctx, this.#ctx.lookup(ref), false);
  }

  async remove(ref: string, o: { force: boolean; volumes: boolean }): Promise<void> {
    const e = this.#ctx.lookup(ref);
    await removeEntry(this.#ctx, e, o);
    this.#execs.dropFor(e.rec.id);
  }

  rename(ref: string, name: string): Promise<void> {
    return renameContainer(this.#ctx, this.#ctx.lookup(ref), name);
  }

  /**
   * Resolves with the exit code when the condition holds: "not-running" (now, if it is not
   * running), "next-exit" (the next exit, even one followed by a restart), "removed".
   */
  wait(ref: string, condition: WaitCondition = "not-running", signal?: AbortSignal): Promise<WaitResponse> {
    const e = this.#ctx.lookup(ref);
    if (condition === "not-running" && !isRunning(e.rec.state)) {
      return Promise.resolve({ StatusCode: e.rec.state.exitCode });
    }
    return new Promise((resolve, reject) => {
      const list = condition === "removed" ? e.removeWaiters : e.exitWaiters;
      const waiter = (r: WaitResponse): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(r);
      };
      const onAbort = (): void => {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      list.push(waiter);
    });
  }

  /**
   * Hears every exit of a container's process once its record says so (inspect shows the exit
   * code, OOM flag and finish time); returns the unsubscribe function. For the node agent.
   */
  onExit(listener: (id: string) => void): () => void {
    return this.#ctx.onExit(listener);
  }

  inspect(ref: string): ContainerJSON {
    const e = this.#ctx.lookup(ref);
    return inspectView(e.rec, { logPath: e.paths.log, execIds: this.#execs.runningFor(e.rec.id) });
  }

  list(o: ListOptions): ContainerSummary[] {
    const records = [...this.#ctx.entries.values()].map((e) => e.rec);
    const selected = filterRecords(records, o, {
      imageIds: (ref) => {
        try {
          return [this.#ctx.deps.images.get(ref).id];
        } catch {
          return [];
        }
      },
      find: (ref) => this.#ctx.lookup(ref).rec,
    });
    const now = this.#ctx.now();
    return selected.map((r) => summaryView(r, now));
  }

  logs(ref: string, o: LogsOptions = {}): AsyncIterable<LogEntry> {
    return containerLogs(this.#ctx.lookup(ref), o);
  }

  attach(ref: string, o: AttachOptions): Promise<AttachStream> {
    return attachContainer(this.#ctx, this.#ctx.lookup(ref), o);
  }

  resize(ref: string, size: { height: number; width: number }): Promise<void> {
    return resizeContainer(this.#ctx, this.#ctx.lookup(ref), size);
  }

  execCreate(ref: string, config: ExecConfig): string {
    return this.#execs.create(this.#ctx.lookup(ref), config);
  }

  execStart(
    id: string,
    o: { detach: boolean; tty?: boolean; consoleSize?: { height: number; width: number } },
  ): Promise<AttachStream | undefined> {
    return this.#execs.start(id, o);
  }

  execInspect(id: string): ExecInspect {
    return this.#execs.inspect(id);
  }

  execResize(id: string, size: { height: number; width: number }): Promise<void> {
    return this.#execs.resize(id, size);
  }

  top(ref: string, psArgs?: string): Promise<ContainerTopResponse> {
    return topContainer(this.#ctx, this.#ctx.lookup(ref), psArgs);
  }

  stats(ref: string, o: { stream: boolean; signal?: AbortSignal }): AsyncIterable<DockerStats> {
    return containerStats(this.#ctx, this.#ctx.lookup(ref), o);
  }

  /** `docker port`: the published ports (and exposed ones without a binding). */
  port(ref: string): PortSummary[] {
    return portSummaries(this.#ctx.lookup(ref).rec);
  }

  /** The container's filesystem as a tar stream (docker export). */
  export(ref: string): Readable {
    return this.#ctx.deps.rootfs.export(this.#ctx.lookup(ref).rec.id);
  }

  /** What docker commit needs: the container's image, its changes as a layer tar, its config. */
  changesForCommit(ref: string): { image: I; diff: Readable; config: ContainerConfig } {
    const rec = this.#ctx.lookup(ref).rec;
    const image = this.#ctx.deps.images.get(rec.imageId);
    return { image, diff: this.#ctx.deps.rootfs.diff(rec.id), config: rec.config };
  }

  /** image ID → IDs of the containers made from it (image rm refuses those). */
  usedImages(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const e of this.#ctx.entries.values())
      out.set(e.rec.imageId, [...(out.get(e.rec.imageId) ?? []), e.rec.id]);
    return out;
  }

  /** volume name → IDs of the containers that mount it. */
  usedVolumes(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const e of this.#ctx.entries.values()) {
      for (const m of e.rec.mounts) {
        if (m.type === "volume" && m.name !== undefined)
          out.set(m.name, [...(out.get(m.name) ?? []), e.rec.id]);
      }
    }
    return out;
  }
}
