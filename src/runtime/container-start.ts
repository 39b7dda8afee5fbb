// Starting a container: mount its root filesystem, attach it to its network (IP, ports),
// write /etc/hosts, /etc/hostname and /etc/resolv.conf, build the OCI spec, have conmon run
// `runc create`, connect attach clients that were waiting, then `runc start`. A failure undoes
// every step in reverse and leaves the record with Docker's error and exit code.
import { mkdir } from "node:fs/promises";
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { ContainerError } from "./container-errors.js";
import { containerEnv } from "./container-env.js";
import { watchExit } from "./container-monitor.js";
import { copyUpIfEmpty } from "./container-volume-copy.js";
import { resolveUser } from "./exec-user.js";
import type { BindMount, TmpfsMount } from "./spec.js";
import { buildSpec, readHostRlimits } from "./spec.js";
import type { OciRlimit } from "./oci-spec-types.js";
import { PhaseTimer } from "./phase-timer.js";

/** A start that failed in the runtime: 400 when the command cannot be run (Docker's exit 126/127), else 500. */
export class ContainerStartError extends ContainerError {
  readonly exitCode: number;
  constructor(message: string) {
    const notFound = /executable file not found|no such file or directory/i.test(message);
    const denied = /permission denied/i.test(message);
    super(notFound || denied ? 400 : 500, message);
    this.exitCode = notFound ? 127 : denied ? 126 : 128;
  }
}

let hostRlimits: OciRlimit[] | undefined;

function rlimits<I extends ContainerImage>(ctx: ContainerContext<I>): OciRlimit[] {
  if (ctx.deps.hostRlimits) return ctx.deps.hostRlimits;
  hostRlimits ??= readHostRlimits();
  return hostRlimits;
}

async function volumeSource<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  name: string,
  fallback: string,
): Promise<string> {
  try {
    return ctx.deps.volumes.get(name).Mountpoint;
  } catch {
    // Removed behind our back (volume rm -f): make it again, as Docker would on create.
    return (await ctx.deps.volumes.create({ name })).Mountpoint || fallback;
  }
}

/** Starts a container whose lock the caller holds. */
export async function startEntry<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  const { rec, paths } = e;
  const id = rec.id;
  const { runtime, rootfs, network } = ctx.deps;
  const undo: Array<() => Promise<unknown>> = [];
  const t = new PhaseTimer();
  try {
    const rootPath = await rootfs.mount(id);
    t.mark("mount");
    undo.push(() => rootfs.unmount(id));
    const mode = (rec.hostConfig.NetworkMode ?? "bridge") as "bridge" | "host" | "none";
    const attachment = await network.attach(id, { mode, ports: rec.ports, endpointName: rec.name });
    undo.push(() => network.detach(id));
    t.mark("network");
    const files = await network.writeContainerFiles(paths.dir, {
      hostname: rec.config.Hostname ?? id.slice(0, 12),
      ...(rec.config.Domainname ? { domainname: rec.config.Domainname } : {}),
      attachment,
    });
    t.mark("files");
    const user = await resolveUser(rootPath, rec.config.User ?? "", rec.hostConfig.GroupAdd ?? []);

    const binds: BindMount[] = [
      { source: files.hosts, destination: "/etc/hosts", readonly: false },
      { source: files.hostname, destination: "/etc/hostname", readonly: false },
      { source: files.resolvConf, destination: "/etc/resolv.conf", readonly: false },
    ];
    const tmpfs: TmpfsMount[] = [];
    for (const m of rec.mounts) {
      if (m.type === "tmpfs") {
        tmpfs.push({ destination: m.destination, options: m.tmpfsOptions ?? [] });
        continue;
      }
      const source =
        m.type === "volume" && m.name !== undefined ? await volumeSource(ctx, m.name, m.source) : m.source;
      if (m.type === "bind") await mkdir(source, { recursive: true }); // -v creates a missing host dir, as Docker does
      if (m.type === "volume" && m.noCopy !== true) await copyUpIfEmpty(rootPath, m.destination, source);
      binds.push({ source, destination: m.destination, readonly: !m.rw });
    }
    const hc = rec.hostConfig;
    const nanoCpus =
      hc.NanoCpus ??
      ((hc.CpuQuota ?? 0) > 0
        ? Math.round(((hc.CpuQuota ?? 0) * 1e9) / (hc.CpuPeriod || 100_000))
        : undefined);
    const spec = buildSpec({
      rootfs: rootPath,
      readonlyRootfs: hc.ReadonlyRootfs === true,
      args: [rec.path, ...rec.args],
      env: containerEnv(rec.config, user.home),
      cwd: rec.config.WorkingDir || "/",
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      terminal: rec.config.Tty === true,
      ...(hc.ConsoleSize && hc.ConsoleSize[0] > 0
        ? { consoleSize: { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] } }
        : {}),
      hostname: rec.config.Hostname ?? id.slice(0, 12),
      ...(attachment.netnsPath !== undefined ? { netnsPath: attachment.netnsPath } : {}),
      isolatedNetwork: mode === "none" && attachment.netnsPath === undefined,
      mounts: binds,
      tmpfs,
      ...(hc.Memory ? { memoryBytes: hc.Memory } : {}),
      ...(hc.Memory && hc.MemorySwap !== undefined && hc.MemorySwap !== hc.Memory * 2
        ? { memorySwapBytes: hc.MemorySwap }
        : {}),
      ...(nanoCpus ? { nanoCpus } : {}),
      ...(hc.CpuShares ? { cpuShares: hc.CpuShares } : {}),
      ...(hc.CpusetCpus ? { cpusetCpus: hc.CpusetCpus } : {}),
      ...(hc.PidsLimit ? { pidsLimit: hc.PidsLimit } : {}),
      ...(hc.ShmSize ? { shmBytes: hc.ShmSize } : {}),
      cgroupsPath: ctx.cgroupsPath(id),
      hostRlimits: rlimits(ctx),
      ulimits: (hc.Ulimits ?? []).map((u) => ({
        type: `RLIMIT_${u.Name.toUpperCase()}`,
        soft: u.Soft,
        hard: u.Hard,
      })),
      capAdd: hc.CapAdd ?? [],
      capDrop: hc.CapDrop ?? [],
      privileged: hc.Privileged === true,
      ...(hc.Sysctls ? { sysctls: hc.Sysctls } : {}),
    });

    t.mark("spec");
    // A runc container left from an earlier run (a crash before its exit was handled) blocks create.
    await runtime.delete(id, { force: true }).catch(() => undefined);
    t.mark("stale-delete");
    let created: { pid: number };
    try {
      created = await runtime.create(id, {
        bundleDir: paths.bundle,
        spec,
        logPath: paths.log,
        exitDir: paths.exitDir,
        persistDir: paths.persistDir,
        stdin: rec.config.OpenStdin === true,
        tty: rec.config.Tty === true,
        leaveStdinOpen: rec.config.StdinOnce !== true,
      });
    } catch (err) {
      throw new ContainerStartError(runtimeMessage(err));
    }
    undo.push(() => runtime.delete(id, { force: true }));
    t.mark("create");
    const waiting = e.pendingAttach.filter((a) => !a.closed);
    e.pendingAttach = [];
    await Promise.all(waiting.map((a) => a.connect(paths.bundle).catch(() => undefined)));
    t.mark("attach");
    try {
      await runtime.start(id);
    } catch (err) {
      throw new ContainerStartError(runtimeMessage(err));
    }
    t.mark("start");
    rec.state = {
      ...rec.state,
      status: "running",
      pid: created.pid,
      exitCode: 0,
      oomKilled: false,
      error: "",
      startedAt: ctx.nowIso(),
    };
    rec.network = attachment;
    rec.files = files;
    await ctx.save(e);
    t.mark("save");
    watchExit(ctx, e);
    ctx.logger.debug({ id, ms: t.phases() }, "container started");
  } catch (err) {
    for (const step of undo.reverse()) {
      await step().catch((u: unknown) => ctx.logger.warn({ id, err: u }, "undo of a failed start failed"));
    }
    rec.state.error = err instanceof Error ? err.message : String(err);
    rec.state.exitCode = err instanceof ContainerStartError ? err.exitCode : 128;
    rec.network = undefined;
    await ctx.save(e).catch(() => undefined);
    throw err;
  }
}

function runtimeMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `failed to create task for container: OCI runtime create failed: ${msg}`;
}
