// docker rm: refuse a running container unless forced (then SIGKILL it and wait for the exit
// to be handled), mark the record "removing" (durable: a restart finishes the job), remove
// anonymous volumes when asked, answer, then take the rest down in the background: runc's
// container, the network, the root filesystem, and the record directory last.
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { ConflictError } from "./container-errors.js";
import { cancelRestart, releaseRun } from "./container-monitor.js";
import { removeRecordDir } from "./container-record.js";
import { isRunning } from "./container-status.js";
import { SIGKILL } from "./container-signals.js";
import { PhaseTimer } from "./phase-timer.js";

const KILL_WAIT_MS = 10_000;

export function sleep(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
}

/** SIGKILLs a running container and waits (bounded) until its exit has been handled. */
export async function killAndWait<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  const exited = e.nextExit();
  try {
    await ctx.deps.runtime.kill(e.rec.id, String(SIGKILL), { all: true });
    if (e.rec.state.status === "paused") await ctx.deps.runtime.resume(e.rec.id).catch(() => undefined);
  } catch (err) {
    // The process may have ended on its own; the exit handler settles it.
    ctx.logger.debug({ id: e.rec.id, err }, "kill before remove failed");
  }
  await Promise.race([exited, sleep(KILL_WAIT_MS)]);
}

export async function removeEntry<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: { force: boolean; volumes: boolean },
): Promise<void> {
  if (e.removed) return;
  const rec = e.rec;
  if (rec.state.status === "removing")
    throw new ConflictError(`removal of container ${rec.id} is already in progress`);
  if (rec.state.status === "restarting") {
    if (!o.force) {
      throw new ConflictError(
        `cannot remove container "/${rec.name}": container is restarting: stop the container before removing or force remove`,
      );
    }
    await ctx.locked(e, () => cancelRestart(ctx, e));
  }
  if (isRunning(rec.state)) {
    if (!o.force) {
      throw new ConflictError(
        `cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`,
      );
    }
    rec.manuallyStopped = true;
    await killAndWait(ctx, e);
  }
  await ctx.locked(e, async () => {
    if (e.removed) return;
    await removeLocked(ctx, e, o);
  });
}

/**
 * Removes a container that is not running; the caller holds its lock. The removal is answered
 * once it is durable (the record says "removing", which a restart finishes); anonymous volumes
 * go first (`docker volume ls` must not show them afterwards), the rest — runc's container,
 * network, root filesystem, the record's directory — is taken down in the background.
 */
export async function removeLocked<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  o: { volumes: boolean },
  t = new PhaseTimer(),
): Promise<void> {
  const rec = e.rec;
  e.removed = true;
  clearTimeout(e.restartTimer);
  e.watcher?.abort();
  rec.state.status = "removing";
  rec.removeVolumes = o.volumes;
  await ctx.save(e);
  t.mark("marked removing");
  ctx.forget(e);
  if (o.volumes) await removeAnonymousVolumes(ctx, e);
  ctx.logger.info({ id: rec.id, name: rec.name }, "container removed");
  e.notifyRemoved();
  ctx.background(
    finishRemoval(ctx, e).catch((err: unknown) =>
      ctx.logger.warn({ id: rec.id, err }, "cleaning up a removed container failed"),
    ),
  );
}

/** Takes down what is left of a removed container (after a restart too: status "removing"). */
export async function finishRemoval<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  const t = new PhaseTimer();
  if (!e.released) await releaseRun(ctx, e, t);
  await ctx.deps.rootfs
    .remove(e.rec.id)
    .catch((err: unknown) => ctx.logger.warn({ id: e.rec.id, err }, "rootfs remove failed"));
  t.mark("rootfs remove");
  await removeRecordDir(ctx.deps.root, e.rec.id);
  t.mark("record remove");
  ctx.logger.debug({ id: e.rec.id, ms: t.phases() }, "removed container cleaned up");
}

export async function removeAnonymousVolumes<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  for (const m of e.rec.mounts) {
    if (m.type !== "volume" || m.anonymous !== true || m.name === undefined) continue;
    const inUseBy = [...ctx.entries.values()]
      .filter((other) => other !== e && other.rec.mounts.some((om) => om.name === m.name))
      .map((other) => other.rec.id);
    await ctx.deps.volumes
      .remove(m.name, { force: false, inUseBy })
      .catch((err: unknown) =>
        ctx.logger.warn({ id: e.rec.id, volume: m.name, err }, "volume remove failed"),
      );
  }
}
