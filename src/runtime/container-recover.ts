// Reconciling the records with the world after a server restart (or kill -9). Containers
// outlive the server under conmon, so for each record that says "running": if runc still
// runs it, restore its network state and watch for its exit again; if it ended meanwhile,
// record conmon's exit code and apply the restart policy as if we had seen it; if neither
// runc nor conmon knows anything (a reboot), it ended with 255, as Docker records a task it
// lost. Then `always` (and `unless-stopped`, unless the user stopped it) containers that are
// down are started, as dockerd does at boot.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readExitFile } from "./conmon-exit.js";
import { ContainerEntry, type ContainerContext } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { handleExit, releaseRun, scheduleRestart, watchExit } from "./container-monitor.js";
import { loadRecords, removeRecordDir } from "./container-record.js";
import { finishRemoval, removeAnonymousVolumes, sleep } from "./container-remove.js";
import { startEntry } from "./container-start.js";
import { restartAtServerStart } from "./restart-policy.js";
import type { ExitStatus } from "./runtime.js";

/** conmon may still be writing the exit file of a process runc already reports stopped. */
const EXIT_FILE_GRACE_MS = 2000;
const LOST_EXIT_CODE = 255;

async function exitStatusOf<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<ExitStatus> {
  const deadline = ctx.now() + EXIT_FILE_GRACE_MS;
  for (;;) {
    const status = await readExitFile(e.paths.exitDir, e.rec.id, e.paths.persistDir);
    if (status !== undefined) return status;
    const conmon = await readConmonAlive(e);
    if (!conmon || ctx.now() >= deadline) break;
    await sleep(100);
  }
  return { exitCode: LOST_EXIT_CODE, finishedAt: new Date(ctx.now()), oomKilled: false };
}

async function readConmonAlive(e: ContainerEntry): Promise<boolean> {
  try {
    const pid = Number((await readFile(join(e.paths.bundle, "conmon.pid"), "utf8")).trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function recoverOne<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  const rec = e.rec;
  const { runtime, network } = ctx.deps;
  const s = rec.state.status;
  if (s === "running" || s === "paused") {
    const st = await runtime.state(rec.id).catch(() => undefined);
    if (st !== undefined && (st.status === "running" || st.status === "paused")) {
      if (rec.network) await network.restore(rec.id, rec.network);
      rec.state.status = st.status === "paused" ? "paused" : "running";
      rec.state.pid = st.pid;
      await ctx.save(e);
      watchExit(ctx, e);
      return;
    }
    await handleExit(ctx, e, await exitStatusOf(ctx, e));
    return;
  }
  if (s === "restarting") {
    await releaseRun(ctx, e);
    scheduleRestart(ctx, e, 0);
    return;
  }
  if (s === "removing") {
    // A remove cut short (or its background cleanup): finish it.
    if (rec.removeVolumes === true) await removeAnonymousVolumes(ctx, e);
    await finishRemoval(ctx, e);
    return;
  }
  if (
    (s === "exited" || s === "created") &&
    rec.state.startedAt !== "" &&
    restartAtServerStart(rec.hostConfig.RestartPolicy, rec.manuallyStopped)
  ) {
    try {
      await startEntry(ctx, e);
    } catch (err) {
      ctx.logger.warn({ id: rec.id, err }, "restart at server start failed");
    }
  }
}

export async function recoverContainers<I extends ContainerImage>(ctx: ContainerContext<I>): Promise<void> {
  const { records, broken } = await loadRecords(ctx.deps.root);
  for (const id of broken) {
    // A create cut short before its record was written: nothing refers to it.
    ctx.logger.warn({ id }, "removing a container directory without a record");
    await ctx.deps.rootfs.remove(id).catch(() => undefined);
    await removeRecordDir(ctx.deps.root, id);
  }
  const entries = records.map((rec) => new ContainerEntry(ctx.deps.root, rec));
  // A container being removed is gone for the API already (its name may be in use again).
  for (const e of entries) if (e.rec.state.status !== "removing") ctx.add(e);
  for (const e of entries) {
    await ctx
      .locked(e, () => recoverOne(ctx, e))
      .catch((err: unknown) => ctx.logger.error({ id: e.rec.id, err }, "recovering a container failed"));
  }
  ctx.logger.info({ containers: entries.length }, "containers recovered");
}
