// start, stop, kill, restart, pause, unpause and rename with Docker's rules: a user's stop or
// kill keeps restart policies from bringing the container back; stop sends the stop signal,
// waits the timeout, then SIGKILLs; a failed start of an AutoRemove container removes it.
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import {
  ConflictError,
  InvalidParameterError,
  NoSuchContainerError,
  NotModifiedError,
  nameConflict,
  notRunning,
} from "./container-errors.js";
import { cancelRestart } from "./container-monitor.js";
import { killAndWait, removeEntry, sleep } from "./container-remove.js";
import { parseSignal, SIGKILL, SIGTERM } from "./container-signals.js";
import { startEntry } from "./container-start.js";
import { isRunning } from "./container-status.js";
import { validateContainerName } from "./names.js";

const DEFAULT_STOP_TIMEOUT_S = 10;

export async function startContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  try {
    await ctx.locked(e, async () => {
      const s = e.rec.state.status;
      if (e.removed) throw new NoSuchContainerError(e.rec.id);
      if (s === "removing" || s === "dead")
        throw new ConflictError("container is marked for removal and cannot be started");
      if (isRunning(e.rec.state)) throw new NotModifiedError("container already started");
      e.rec.manuallyStopped = false;
      e.rec.restartCount = 0;
      e.restartDelayMs = 0;
      await startEntry(ctx, e);
    });
  } catch (err) {
    if (!(err instanceof NotModifiedError) && e.rec.hostConfig.AutoRemove === true && !e.removed) {
      await removeEntry(ctx, e, { force: true, volumes: true }).catch(() => undefined);
    }
    throw err;
  }
}

function stopSignal(e: ContainerEntry): number {
  const configured = e.rec.config.StopSignal;
  return configured !== undefined && configured !== "" ? parseSignal(configured) : SIGTERM;
}

export async function stopContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: { signal?: string; timeout?: number },
): Promise<void> {
  const sig = o.signal !== undefined && o.signal !== "" ? parseSignal(o.signal) : stopSignal(e);
  if (e.rec.state.status === "restarting") {
    await ctx.locked(e, async () => {
      e.rec.manuallyStopped = true;
      await cancelRestart(ctx, e);
    });
    return;
  }
  if (!isRunning(e.rec.state)) throw new NotModifiedError("container is already stopped");
  e.rec.manuallyStopped = true;
  await ctx.save(e);
  const timeoutS = o.timeout ?? e.rec.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
  const exited = e.nextExit();
  const id = e.rec.id;
  if (sig !== SIGKILL) {
    try {
      await ctx.deps.runtime.kill(id, String(sig));
      if (e.rec.state.status === "paused") await ctx.deps.runtime.resume(id);
    } catch (err) {
      ctx.logger.debug({ id, err }, "stop signal not delivered");
    }
    if (timeoutS < 0) {
      await exited;
      return;
    }
    if ((await Promise.race([exited, sleep(timeoutS * 1000)])) !== "timeout") return;
    ctx.logger.info({ id, timeoutS }, "container did not stop in time; sending SIGKILL");
  }
  await killAndWait(ctx, e);
}

export async function killContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  ref: string,
  signal?: string,
): Promise<void> {
  const sig = signal !== undefined && signal !== "" ? parseSignal(signal) : SIGKILL;
  const ends = sig === SIGKILL || sig === stopSignal(e);
  if (e.rec.state.status === "restarting" && ends) {
    await ctx.locked(e, async () => {
      e.rec.manuallyStopped = true;
      await cancelRestart(ctx, e);
    });
    return;
  }
  if (!isRunning(e.rec.state) || e.rec.state.status === "restarting") {
    throw new ConflictError(`Cannot kill container: ${ref}: ${notRunning(e.rec.id).message}`);
  }
  if (ends) {
    e.rec.manuallyStopped = true;
    await ctx.save(e);
  }
  if (sig === SIGKILL) {
    await killAndWait(ctx, e);
    return;
  }
  await ctx.deps.runtime.kill(e.rec.id, String(sig));
}

export async function restartContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: { signal?: string; timeout?: number },
): Promise<void> {
  try {
    await stopContainer(ctx, e, o);
  } catch (err) {
    if (!(err instanceof NotModifiedError)) throw err;
  }
  await startContainer(ctx, e);
}

export async function pauseContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  pause: boolean,
): Promise<void> {
  await ctx.locked(e, async () => {
    const s = e.rec.state.status;
    if (s !== "running" && s !== "paused") throw notRunning(e.rec.id);
    if (pause && s === "paused") throw new ConflictError(`Container ${e.rec.id} is already paused`);
    if (!pause && s !== "paused") throw new ConflictError(`Container ${e.rec.id} is not paused`);
    if (pause) await ctx.deps.runtime.pause(e.rec.id);
    else await ctx.deps.runtime.resume(e.rec.id);
    e.rec.state.status = pause ? "paused" : "running";
    await ctx.save(e);
  });
}

export async function renameContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  newName: string,
): Promise<void> {
  const name = validateContainerName(newName);
  if (name === e.rec.name)
    throw new InvalidParameterError("Renaming a container with the same name as its current name");
  const holder = ctx.names.get(name);
  if (holder !== undefined) throw nameConflict(name, holder);
  const old = e.rec.name;
  ctx.names.set(name, e.rec.id);
  e.rec.name = name;
  try {
    await ctx.save(e);
  } catch (err) {
    e.rec.name = old;
    ctx.names.delete(name);
    throw err;
  }
  ctx.names.delete(old);
}
