// docker exec: an exec instance is created (validated, kept in memory as Docker does), then
// started once — attached (its stdio is returned) or detached — as a process in the running
// container with the container's user, environment, capabilities and limits, unless the
// exec config overrides them. Its exit code is kept for ExecInspect.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { AttachStream } from "./attach.js";
import { ContainerAttach } from "./container-attach.js";
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { containerEnv } from "./container-env.js";
import { ConflictError, InvalidParameterError, NoSuchExecError, notRunning } from "./container-errors.js";
import type { ExecConfig, ExecInspect } from "./docker-api-types.js";
import { ContainerStartError } from "./container-start.js";
import { resolveUser } from "./exec-user.js";
import type { ExecHandle } from "./exec.js";
import { buildSpec, readHostRlimits } from "./spec.js";

interface ExecInstance {
  id: string;
  container: ContainerEntry;
  config: ExecConfig;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  handle?: ExecHandle;
}

function checkRunning(e: ContainerEntry): void {
  if (e.rec.state.status === "paused") {
    throw new ConflictError(`Container ${e.rec.id} is paused, unpause the container before exec`);
  }
  if (e.rec.state.status !== "running") throw notRunning(e.rec.id);
}

export class ExecRegistry<I extends ContainerImage = ContainerImage> {
  readonly #ctx: ContainerContext<I>;
  readonly #execs = new Map<string, ExecInstance>();

  constructor(ctx: ContainerContext<I>) {
    this.#ctx = ctx;
  }

  create(e: ContainerEntry, config: ExecConfig): string {
    checkRunning(e);
    if (!config.Cmd || config.Cmd.length === 0) throw new InvalidParameterError("No exec command specified");
    const id = randomBytes(32).toString("hex");
    this.#execs.set(id, { id, container: e, config, running: false, started: false, exitCode: null, pid: 0 });
    return id;
  }

  #get(id: string): ExecInstance {
    const x = this.#execs.get(id);
    if (!x) throw new NoSuchExecError(id);
    return x;
  }

  /** Starts the exec; attached: its stdio (the caller listens for "close"), detached: undefined. */
  async start(
    id: string,
    o: { detach: boolean; tty?: boolean; consoleSize?: { height: number; width: number } },
  ): Promise<AttachStream | undefined> {
    const x = this.#get(id);
    if (x.started) throw new ConflictError(`Error: Exec command ${id} has already run`);
    const e = x.container;
    checkRunning(e);
    x.started = true;
    const ctx = this.#ctx;
    const cfg = x.config;
    const tty = o.tty ?? cfg.Tty === true;
    const rec = e.rec;
    try {
      const rootPath = await ctx.deps.rootfs.mount(rec.id);
      const userSpec = cfg.User !== undefined && cfg.User !== "" ? cfg.User : (rec.config.User ?? "");
      const user = await resolveUser(rootPath, userSpec, rec.hostConfig.GroupAdd ?? []);
      const privileged = cfg.Privileged === true || rec.hostConfig.Privileged === true;
      const process = buildSpec({
        rootfs: rootPath,
        args: cfg.Cmd ?? [],
        env: containerEnv(rec.config, user.home, cfg.Env ?? [], tty),
        cwd: cfg.WorkingDir || rec.config.WorkingDir || "/",
        user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
        terminal: tty,
        ...(o.consoleSize && o.consoleSize.height > 0
          ? { consoleSize: o.consoleSize }
          : cfg.ConsoleSize && cfg.ConsoleSize[0] > 0
            ? { consoleSize: { height: cfg.ConsoleSize[0], width: cfg.ConsoleSize[1] } }
            : {}),
        hostRlimits: ctx.deps.hostRlimits ?? readHostRlimits(),
        capAdd: rec.hostConfig.CapAdd ?? [],
        capDrop: rec.hostConfig.CapDrop ?? [],
        privileged,
      }).process;
      const stdin = cfg.AttachStdin === true && !o.detach;
      const handle = await ctx.deps.runtime.exec(rec.id, {
        process,
        tty,
        stdin,
        execDir: join(e.paths.execs, id),
        attach: !o.detach,
      });
      x.handle = handle;
      x.running = true;
      x.pid = handle.pid;
      const settled = handle
        .wait()
        .then(
          (st) => {
            x.exitCode = st.exitCode;
          },
          (err: unknown) => {
            ctx.logger.warn({ exec: id, err }, "waiting for an exec failed");
            x.exitCode = 126;
          },
        )
        .finally(() => {
          x.running = false;
          void handle.cleanup().catch(() => undefined);
        });
      void settled;
      if (o.detach || !handle.stream) return undefined;
      const inner = handle.stream;
      const a = new ContainerAttach({
        stdout: cfg.AttachStdout !== false,
        stderr: cfg.AttachStderr !== false,
        stdin,
        connector: () => Promise.resolve(inner),
        settled,
      });
      await a.connect(handle.execDir);
      return a;
    } catch (err) {
      if (err instanceof Error && "statusCode" in err) {
        x.exitCode = 126;
        throw err;
      }
      const failed = new ContainerStartError(
        `OCI runtime exec failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      x.exitCode = failed.exitCode;
      throw failed;
    }
  }

  inspect(id: string): ExecInspect {
    const x = this.#get(id);
    const cmd = x.config.Cmd ?? [];
    return {
      CanRemove: false,
      ContainerID: x.container.rec.id,
      DetachKeys: x.config.DetachKeys ?? "",
      ExitCode: x.exitCode,
      ID: x.id,
      OpenStderr: x.config.AttachStderr === true,
      OpenStdin: x.config.AttachStdin === true,
      OpenStdout: x.config.AttachStdout === true,
      ProcessConfig: {
        arguments: cmd.slice(1),
        entrypoint: cmd[0] ?? "",
        privileged: x.config.Privileged === true,
        tty: x.config.Tty === true,
        ...(x.config.User ? { user: x.config.User } : {}),
      },
      Running: x.running,
      Pid: x.pid,
    };
  }

  async resize(id: string, size: { height: number; width: number }): Promise<void> {
    const x = this.#get(id);
    if (!x.running || !x.handle) throw new ConflictError(`Exec ${id} is not running`);
    await this.#ctx.deps.runtime.resize(x.handle.execDir, size);
  }

  /** IDs of the running execs of a container (inspect's ExecIDs). */
  runningFor(containerId: string): string[] {
    return [...this.#execs.values()]
      .filter((x) => x.container.rec.id === containerId && x.running)
      .map((x) => x.id);
  }

  /** Forgets a removed container's execs. */
  dropFor(containerId: string): void {
    for (const [id, x] of this.#execs) if (x.container.rec.id === containerId) this.#execs.delete(id);
  }
}
