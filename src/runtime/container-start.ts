// Starting a container. The steps that do not depend on each other run at once:
//   rootfs mount ─┐
//   /etc files ───┼─ user, spec ─ conmon + `runc create` ─┐
//   netns ────────┘                                       │
//        └─ CNI ADD (bridge, portmap) ────────────────────┴─ hosts file (its IP) ─ `runc start` ∥ record saved
// The container is created in its namespace while the plugins configure it; its process
// starts only once they are done. Attach clients that were waiting are connected right before
// `runc start`. A failure undoes every step in reverse and leaves the record with Docker's
// error and exit code.
import { mkdir, stat } from "node:fs/promises";
import type { ContainerContext, ContainerEntry } from "./container-context.js";
import {
  joinedNetns,
  type ContainerImage,
  type NetworkAttachment,
  type NetworkMode,
} from "./container-deps.js";
import { ContainerError } from "./container-errors.js";
import { watchExit } from "./container-monitor.js";
import type { RecordState } from "./container-record.js";
import { containerSpec } from "./container-spec.js";
import { copyUpIfEmpty } from "./container-volume-copy.js";
import { resolveUser } from "./exec-user.js";
import { PhaseTimer } from "./phase-timer.js";
import type { BindMount, TmpfsMount } from "./spec.js";

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

/** The volume, bind and tmpfs mounts of the record, sources made ready (volumes filled from the image). */
async function recordMounts<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  rootPath: string,
): Promise<{ binds: BindMount[]; tmpfs: TmpfsMount[] }> {
  const binds: BindMount[] = [];
  const tmpfs: TmpfsMount[] = [];
  for (const m of e.rec.mounts) {
    if (m.type === "tmpfs") {
      tmpfs.push({ destination: m.destination, options: m.tmpfsOptions ?? [] });
      continue;
    }
    const source =
      m.type === "volume" && m.name !== undefined ? await volumeSource(ctx, m.name, m.source) : m.source;
    // -v creates a missing host dir, as Docker does; an existing source (a file too) is used as it is.
    if (m.type === "bind" && !(await exists(source))) await mkdir(source, { recursive: true });
    if (m.type === "volume" && m.noCopy !== true) await copyUpIfEmpty(rootPath, m.destination, source);
    binds.push({ source, destination: m.destination, readonly: !m.rw });
  }
  return { binds, tmpfs };
}

/**
 * Attaches the container's network. `early` resolves as soon as the container can be created
 * in its namespace (with the namespace path, before ADD has finished when the provider can
 * rewrite the hosts file later); `done` with the whole attachment.
 */
function attachNetwork<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
  t: PhaseTimer,
): {
  early: Promise<NetworkAttachment>;
  done: Promise<NetworkAttachment>;
  /** What the /etc files can be written from: the mode alone when the hosts file is rewritten later. */
  forFiles: Promise<NetworkAttachment>;
} {
  const { network } = ctx.deps;
  const joined = joinedNetns(e.rec.hostConfig.NetworkMode);
  if (joined !== undefined) {
    // Someone else's namespace (a pod sandbox): nothing to attach, nothing to detach later.
    const inNamespace = Promise.resolve<NetworkAttachment>({ mode: "none", netnsPath: joined, ports: [] });
    return { early: inNamespace, done: inNamespace, forFiles: inNamespace };
  }
  const mode = (e.rec.hostConfig.NetworkMode ?? "bridge") as NetworkMode;
  const overlap = network.rewriteHosts !== undefined && mode !== "host";
  let namespaceReady: ((a: NetworkAttachment) => void) | undefined;
  const namespace = new Promise<NetworkAttachment>((resolve) => (namespaceReady = resolve));
  const done = t.time(
    "network",
    network.attach(e.rec.id, {
      mode,
      ports: e.rec.ports,
      endpointName: e.rec.name,
      ...(overlap ? { onNamespace: (netnsPath) => namespaceReady?.({ mode, netnsPath, ports: [] }) } : {}),
    }),
  );
  done.catch(() => undefined); // awaited by the caller; this only keeps an early failure from being unhandled
  return {
    early: overlap ? Promise.race([namespace, done]) : done,
    done,
    forFiles: overlap ? Promise.resolve({ mode, ports: [] }) : done,
  };
}

/** Starts a container whose lock the caller holds. */
export function startEntry<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  e: ContainerEntry,
): Promise<void> {
  const starting = start(ctx, e);
  // The network's background work (warm attachments) waits until the start is done.
  ctx.deps.network.busy?.(starting);
  return starting;
}

async function start<I extends ContainerImage>(ctx: ContainerContext<I>, e: ContainerEntry): Promise<void> {
  const { rec, paths } = e;
  const id = rec.id;
  const { runtime, rootfs, network } = ctx.deps;
  const undo: Array<() => Promise<unknown>> = [];
  const t = new PhaseTimer();
  const before: RecordState = { ...rec.state };
  const names = {
    hostname: rec.config.Hostname ?? id.slice(0, 12),
    ...(rec.config.Domainname ? { domainname: rec.config.Domainname } : {}),
  };
  e.released = false;
  try {
    const net = attachNetwork(ctx, e, t);
    // A failed attach has undone itself; a failed mount left nothing to unmount.
    const joined = joinedNetns(rec.hostConfig.NetworkMode) !== undefined;
    undo.push(() =>
      net.done.then(
        () => (joined ? undefined : network.detach(id)),
        () => undefined,
      ),
    );
    const mounting = t.time("mount", rootfs.mount(id));
    undo.push(() =>
      mounting.then(
        () => rootfs.unmount(id),
        () => undefined,
      ),
    );
    let filesIp: string | undefined;
    const writing = net.forFiles.then((attachment) => {
      filesIp = attachment.ip;
      return network.writeContainerFiles(paths.dir, { ...names, attachment });
    });
    const [rootPath, early, files] = await Promise.all([mounting, net.early, writing]);
    t.mark("mount+namespace+files");
    const user = await resolveUser(rootPath, rec.config.User ?? "", rec.hostConfig.GroupAdd ?? []);
    const { binds, tmpfs } = await recordMounts(ctx, e, rootPath);
    // As Docker: a file the user mounts there (a pod's own hosts file) wins over the engine's.
    const etc = [
      { source: files.hosts, destination: "/etc/hosts", readonly: false },
      { source: files.hostname, destination: "/etc/hostname", readonly: false },
      { source: files.resolvConf, destination: "/etc/resolv.conf", readonly: false },
    ];
    binds.unshift(...etc.filter((f) => !binds.some((b) => b.destination === f.destination)));
    const spec = containerSpec(ctx, rec, { rootPath, user, binds, tmpfs, netnsPath: early.netnsPath });
    t.mark("user+spec");
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
    const attachment = await net.done;
    if (attachment.ip !== filesIp) await network.rewriteHosts?.(files.hosts, { ...names, attachment });
    t.mark("network wait");
    const waiting = e.pendingAttach.filter((a) => !a.closed);
    e.pendingAttach = [];
    await Promise.all(waiting.map((a) => a.connect(paths.bundle).catch(() => undefined)));
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
    // Saved while runc starts the process: a crash in between leaves a record that says
    // running, which recovery settles with runc's state and conmon's exit file.
    const [started, saved] = await Promise.allSettled([runtime.start(id), ctx.save(e)]);
    if (started.status === "rejected") throw new ContainerStartError(runtimeMessage(started.reason));
    if (saved.status === "rejected") throw saved.reason;
    t.mark("start+save");
    watchExit(ctx, e);
    ctx.logger.debug({ id, ms: t.phases() }, "container started");
  } catch (err) {
    for (const step of undo.reverse()) {
      await step().catch((u: unknown) => ctx.logger.warn({ id, err: u }, "undo of a failed start failed"));
    }
    rec.state = {
      ...before,
      error: err instanceof Error ? err.message : String(err),
      exitCode: err instanceof ContainerStartError ? err.exitCode : 128,
    };
    rec.network = undefined;
    await ctx.save(e).catch(() => undefined);
    throw err;
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function runtimeMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `failed to create task for container: OCI runtime create failed: ${msg}`;
}
