// The OCI spec of a container run from its record: what `docker run` asked for (process, user,
// mounts, limits, capabilities) over the host's rlimits, in the namespace the network gave it.
import type { ContainerContext } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { containerEnv } from "./container-env.js";
import type { ContainerRecord } from "./container-record.js";
import type { ResolvedUser } from "./exec-user.js";
import type { OciRlimit, OciSpec } from "./oci-spec-types.js";
import { buildSpec, readHostRlimits, type BindMount, type TmpfsMount } from "./spec.js";

let hostRlimits: OciRlimit[] | undefined;

function rlimits<I extends ContainerImage>(ctx: ContainerContext<I>): OciRlimit[] {
  if (ctx.deps.hostRlimits) return ctx.deps.hostRlimits;
  hostRlimits ??= readHostRlimits();
  return hostRlimits;
}

export function containerSpec<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  rec: ContainerRecord,
  o: {
    rootPath: string;
    user: ResolvedUser;
    binds: BindMount[];
    tmpfs: TmpfsMount[];
    netnsPath: string | undefined;
  },
): OciSpec {
  const hc = rec.hostConfig;
  const mode = hc.NetworkMode ?? "bridge";
  const nanoCpus =
    hc.NanoCpus ??
    ((hc.CpuQuota ?? 0) > 0 ? Math.round(((hc.CpuQuota ?? 0) * 1e9) / (hc.CpuPeriod || 100_000)) : undefined);
  return buildSpec({
    rootfs: o.rootPath,
    readonlyRootfs: hc.ReadonlyRootfs === true,
    args: [rec.path, ...rec.args],
    env: containerEnv(rec.config, o.user.home),
    cwd: rec.config.WorkingDir || "/",
    user: { uid: o.user.uid, gid: o.user.gid, additionalGids: o.user.additionalGids },
    terminal: rec.config.Tty === true,
    ...(hc.ConsoleSize && hc.ConsoleSize[0] > 0
      ? { consoleSize: { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] } }
      : {}),
    hostname: rec.config.Hostname ?? rec.id.slice(0, 12),
    ...(o.netnsPath !== undefined ? { netnsPath: o.netnsPath } : {}),
    isolatedNetwork: mode === "none" && o.netnsPath === undefined,
    mounts: o.binds,
    tmpfs: o.tmpfs,
    ...(hc.Memory ? { memoryBytes: hc.Memory } : {}),
    ...(hc.Memory && hc.MemorySwap !== undefined && hc.MemorySwap !== hc.Memory * 2
      ? { memorySwapBytes: hc.MemorySwap }
      : {}),
    ...(nanoCpus ? { nanoCpus } : {}),
    ...(hc.CpuShares ? { cpuShares: hc.CpuShares } : {}),
    ...(hc.CpusetCpus ? { cpusetCpus: hc.CpusetCpus } : {}),
    ...(hc.PidsLimit ? { pidsLimit: hc.PidsLimit } : {}),
    ...(hc.ShmSize ? { shmBytes: hc.ShmSize } : {}),
    cgroupsPath: ctx.cgroupsPath(rec.id),
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
}
