// What happens when a container's process ends: conmon's exit file is noticed, runc's
// container is deleted, the network detached and the rootfs unmounted (at once; for a pod's
// container, just after its exit is told); the record gets the exit code, OOM flag and time;
// waiters hear of it; then the restart policy decides
// between a delayed restart (Docker's back-off) and staying down, and AutoRemove removes it
// right away, in the same turn of the lock.
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import { joinedNetns, type ContainerImage } from "./container-deps.js";
import { removeLocked } from "./container-remove.js";
import { startEntry } from "./container-start.js";
import { decideRestart } from "./restart-policy.js";
import type { ExitStatus } from "./runtime.js";
import { PhaseTimer } from "./phase-timer.js";

/** Waits (in the background) for the running container's exit and handles it. */
export function watchExit<I extends ContainerImage>(ctx: ContainerContext<I>, e: ContainerEntry): void {
  e.watcher?.abort();
  const ac = new AbortController();
  e.watcher = ac;
  const id = e.rec.id;
  ctx.deps.runtime
    .waitExit(e.paths.exitDir, id, ac.signal, {
      persistDir: e.paths.persistDir,
      bundleDir: e.paths.bundle, // a conmon killed without writing the exit file ends the wait with 255
    })
    .then(
      (status) => {
        if (ac.signal.aborted) return;
        void ctx
          .locked(e, () => handleExit(ctx, e, status))
          .catch((err: unknown) => ctx.logger.error({ id, err }, "handling a container exit failed"));
      },
      (err: unknown) => {
        if (!ac.signal.aborted) ctx.logger.error({ id, err }, "waiting for a container exit failed");
      },
    );
}

/**
 * Undoes what start set up, after the process ended: runc's container, the network and the
 * mount are independent and go at once (each may fail alone). Sets `released` when all went.
 */
export async function releaseRun<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  t?: PhaseTimer,
): Promise<void> {
  const id = e.rec.id;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ["runc delete", () => ctx.deps.runtime.delete(id, { force: true })],
    [
      "network detach",
      // A joined namespace (`ns:PATH`) belongs to whoever made it.
      () =>
        joinedNetns(e.rec.hostConfig.NetworkMode) === undefined
          ? ctx.deps.network.detach(id)
          : Promise.resolve(),
    ],
    ["rootfs unmount", () => ctx.deps.rootfs.unmount(id)],
  ];
  const results = await Promise.all(
    steps.map(([what, step]) => {
      const run = step().then(
        () => true,
        (err: unknown) => {
          // Expected for parts never set up (a container that never ran): debug, not warn.
          ctx.logger.debug({ id, err }, `${what} after exit failed`);
          return false;
        },
      );
      return t ? t.time(what, run) : run;
    }),
  );
  e.released = results.every(Boolean);
}

/** Records an exit and applies the restart policy; the caller holds the container's lock. */
export async function handleExit<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  status: ExitStatus,
): Promise<void> {
  if (e.removed) return;
  e.watcher = undefined;
  const t = new PhaseTimer();
  const noticedMs = Math.round(Date.now() - status.finishedAt.getTime());
  const rec = e.rec;
  const startedAt = rec.state.startedAt === "" ? ctx.now() : Date.parse(rec.state.startedAt);
  const decision = decideRestart({
    policy: rec.hostConfig.RestartPolicy,
    exitCode: status.exitCode,
    manuallyStopped: rec.manuallyStopped,
    restartCount: rec.restartCount,
    runMs: Math.max(0, status.finishedAt.getTime() - startedAt),
    previousDelayMs: e.restartDelayMs,
  });
  const autoRemove = !decision.restart && rec.hostConfig.AutoRemove === true;
  const ports = rec.network?.ports.length ?? 0;
  // A container that joins a namespace someone else owns and publishes no ports (a pod's) holds
  // nothing its replacement wants: its exit is told before runc's container and the mount go,
  // which a pod's restart would otherwise wait for.
  const tellFirst =
    !autoRemove && !decision.restart && ports === 0 && joinedNetns(rec.hostConfig.NetworkMode) !== undefined;
  // Otherwise, before anyone hears of the exit, its ports, IP and mount are free again (a new
  // container may want them at once). A container about to be removed without published ports
  // is taken down after its removal has been answered instead.
  if (!tellFirst && (!autoRemove || ports > 0)) await releaseRun(ctx, e, t);
  rec.state = {
    ...rec.state,
    status: decision.restart ? "restarting" : "exited",
    pid: 0,
    exitCode: status.exitCode,
    oomKilled: status.oomKilled,
    finishedAt: status.finishedAt.toISOString(),
  };
  rec.network = undefined;
  if (autoRemove) {
    ctx.logger.info({ id: rec.id, exitCode: status.exitCode, restart: false }, "container exited");
    e.notifyExit();
    ctx.emitExit(rec.id);
    await removeLocked(ctx, e, { volumes: true }, t);
    ctx.logger.debug({ id: rec.id, noticedMs, ms: t.phases() }, "container exit handled");
    return;
  }
  // Waiters hear of the exit while the record is written: until it is, the lock keeps
  // anything else from touching the container, and a crash before it is durable is settled
  // at the next start from conmon's exit file, which stays.
  const saved = ctx.save(e);
  e.notifyExit();
  if (tellFirst) {
    ctx.emitExit(rec.id);
    await releaseRun(ctx, e, t);
    await saved;
  } else {
    await saved;
    ctx.emitExit(rec.id);
  }
  t.mark("save");
  ctx.logger.debug({ id: rec.id, noticedMs, ms: t.phases() }, "container exit handled");
  ctx.logger.info({ id: rec.id, exitCode: status.exitCode, restart: decision.restart }, "container exited");
  if (decision.restart) {
    e.restartDelayMs = decision.delayMs;
    scheduleRestart(ctx, e, decision.delayMs);
  }
}

export function scheduleRestart<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  delayMs: number,
): void {
  clearTimeout(e.restartTimer);
  e.restartTimer = setTimeout(() => {
    e.restartTimer = undefined;
    void ctx
      .locked(e, async () => {
        if (e.removed || e.rec.state.status !== "restarting") return;
        e.rec.restartCount += 1;
        try {
          await startEntry(ctx, e);
        } catch (err) {
          e.rec.state.status = "exited";
          await ctx.save(e);
          e.notifyExit();
          throw err;
        }
      })
      .catch((err: unknown) => ctx.logger.warn({ id: e.rec.id, err }, "restart failed"));
  }, delayMs);
}

/** Stops a pending restart; true if one was pending (the container is then exited). */
export async function cancelRestart<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<boolean> {
  if (e.rec.state.status !== "restarting") return false;
  clearTimeout(e.restartTimer);
  e.restartTimer = undefined;
  e.rec.state.status = "exited";
  await ctx.save(e);
  e.notifyExit();
  return true;
}
