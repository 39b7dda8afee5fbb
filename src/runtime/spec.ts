// The OCI runtime spec (config.json) for a container, as Docker would write it: Docker's default
// capabilities, masked and read-only /proc paths, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys
// mounts, cgroup limits, and rlimits derived from the host's (a spec asking for more than the
// host's hard RLIMIT_NOFILE fails at container init). buildSpec is pure; readHostRlimits reads
// the host side once. Seccomp: a Docker-like default denylist (runc-seccomp.ts) unless
// `seccomp: "unconfined"` or privileged.
import { containerRlimits } from "./runc-rlimits.js";
import { defaultSeccompProfile } from "./runc-seccomp.js";
import type { OciMount, OciNamespace, OciResources, OciRlimit, OciSpec, OciUser } from "./oci-spec-types.js";

export { resolveUser, UserNotFoundError, type ResolvedUser } from "./exec-user.js";
export { parseProcLimits, readHostRlimits } from "./runc-rlimits.js";

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Docker's masked and read-only paths (moby oci/defaults.go). */
export const DOCKER_MASKED_PATHS: readonly string[] = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];
export const DOCKER_READONLY_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** Docker's default /dev/shm size: 64 MiB. */
export const DEFAULT_SHM_BYTES = 64 * 1024 * 1024;
const CFS_PERIOD_US = 100_000;

export interface BindMount {
  source: string; // host path (a volume's _data, a host dir, or a file such as /etc/hosts)
  destination: string; // absolute path in the container
  readonly: boolean;
}

export interface TmpfsMount {
  destination: string;
  options: string[]; // e.g. ["size=64m", "mode=1777"]
}

export interface SpecOptions {
  rootfs: string; // absolute path of the container's root filesystem
  readonlyRootfs?: boolean;
  args: string[];
  env: string[]; // "KEY=value"
  cwd?: string; // default "/"
  user: OciUser; // see resolveUser()
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  hostname?: string;
  /** A network namespace to join (from net/). Undefined: the host's, unless isolatedNetwork. */
  netnsPath?: string;
  /** With no netnsPath: a new, empty network namespace (Docker's `--network none`). */
  isolatedNetwork?: boolean;
  mounts?: BindMount[]; // volumes, host dirs, /etc/hosts, /etc/hostname, /etc/resolv.conf
  tmpfs?: TmpfsMount[];
  memoryBytes?: number; // 0/undefined: unlimited
  /** memory + swap; default = memoryBytes (no swap, so over-allocation is OOM-killed); -1: unlimited. */
  memorySwapBytes?: number;
  nanoCpus?: number; // 1e9 = one CPU, as quota/period
  cpuShares?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  shmBytes?: number;
  cgroupsPath?: string; // e.g. "/skiff/<id>"
  /** The host's rlimits (readHostRlimits()); RLIMIT_NOFILE is set to the host's hard limit. */
  hostRlimits: OciRlimit[];
  /** User ulimits (`--ulimit`); each is capped at the host's hard limit for its type. */
  ulimits?: OciRlimit[];
  capAdd?: string[]; // "NET_ADMIN" or "CAP_NET_ADMIN"; "ALL"
  capDrop?: string[];
  privileged?: boolean;
  sysctls?: Record<string, string>;
  /** "default" (Docker-like, the default) or "unconfined" (`--security-opt seccomp=unconfined`). */
  seccomp?: "default" | "unconfined";
  annotations?: Record<string, string>;
}

export function buildSpec(o: SpecOptions): OciSpec {
  const caps = capabilities(o);
  const spec: OciSpec = {
    ociVersion: "1.0.2",
    process: {
      terminal: o.terminal,
      ...(o.terminal && o.consoleSize ? { consoleSize: o.consoleSize } : {}),
      user: o.user,
      args: o.args,
      env: o.env,
      cwd: o.cwd !== undefined && o.cwd !== "" ? o.cwd : "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: containerRlimits(o.hostRlimits, o.ulimits ?? []),
      noNewPrivileges: false,
      oomScoreAdj: 0,
    },
    root: { path: o.rootfs, readonly: o.readonlyRootfs === true },
    ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
    mounts: mounts(o),
    linux: {
      namespaces: namespaces(o),
      resources: resources(o),
      ...(o.cgroupsPath !== undefined ? { cgroupsPath: o.cgroupsPath } : {}),
      ...sysctls(o),
      ...(o.privileged === true
        ? {}
        : { maskedPaths: [...DOCKER_MASKED_PATHS], readonlyPaths: [...DOCKER_READONLY_PATHS] }),
    },
  };
  if (o.privileged !== true && o.seccomp !== "unconfined") spec.linux.seccomp = defaultSeccompProfile(caps);
  if (o.annotations) spec.annotations = o.annotations;
  return spec;
}

/**
 * Docker (20.10+) lets unprivileged users bind low ports and ping in a container's own network
 * namespace; the caller's sysctls win.
 */
function sysctls(o: SpecOptions): { sysctl?: Record<string, string> } {
  const ownNetwork = o.netnsPath !== undefined || o.isolatedNetwork === true;
  const all: Record<string, string> = {
    ...(ownNetwork
      ? { "net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647" }
      : {}),
    ...o.sysctls,
  };
  return Object.keys(all).length > 0 ? { sysctl: all } : {};
}

function namespaces(o: SpecOptions): OciNamespace[] {
  const ns: OciNamespace[] = [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }];
  if (o.netnsPath !== undefined) ns.push({ type: "network", path: o.netnsPath });
  else if (o.isolatedNetwork === true) ns.push({ type: "network" });
  return ns;
}

function mounts(o: SpecOptions): OciMount[] {
  const shm = o.shmBytes ?? DEFAULT_SHM_BYTES;
  const list: OciMount[] = [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    // sysfs can only be mounted in a network namespace of our own; with the host's network
    // runc would fail, so bind the host's /sys read-only instead (what Docker does for --net=host).
    o.netnsPath !== undefined || o.isolatedNetwork === true
      ? { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] }
      : {
          destination: "/sys",
          type: "bind",
          source: "/sys",
          options: ["rbind", "nosuid", "noexec", "nodev", "ro"],
        },
    {
      destination: "/sys/fs/cgroup",
      type: "cgroup",
      source: "cgroup",
      options: ["nosuid", "noexec", "nodev", "relatime", "ro"],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${shm}`],
    },
  ];
  for (const t of o.tmpfs ?? []) {
    list.push({
      destination: t.destination,
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "nodev", ...t.options],
    });
  }
  for (const b of o.mounts ?? []) {
    list.push({
      destination: b.destination,
      type: "bind",
      source: b.source,
      options: ["rbind", "rprivate", b.readonly ? "ro" : "rw"],
    });
  }
  return list;
}

function resources(o: SpecOptions): OciResources {
  const r: OciResources = { devices: [{ allow: false, access: "rwm" }] };
  if (o.privileged === true) r.devices = [{ allow: true, access: "rwm" }];
  if (o.memoryBytes !== undefined && o.memoryBytes > 0) {
    const swap = o.memorySwapBytes ?? o.memoryBytes;
    r.memory = { limit: o.memoryBytes, swap: swap === 0 ? o.memoryBytes : swap };
  }
  const cpu: NonNullable<OciResources["cpu"]> = {};
  if (o.nanoCpus !== undefined && o.nanoCpus > 0) {
    cpu.period = CFS_PERIOD_US;
    cpu.quota = Math.round((o.nanoCpus * CFS_PERIOD_US) / 1e9);
  }
  if (o.cpuShares !== undefined && o.cpuShares > 0) cpu.shares = o.cpuShares;
  if (o.cpusetCpus !== undefined && o.cpusetCpus !== "") cpu.cpus = o.cpusetCpus;
  if (Object.keys(cpu).length > 0) r.cpu = cpu;
  if (o.pidsLimit !== undefined && o.pidsLimit > 0) r.pids = { limit: o.pidsLimit };
  return r;
}

const ALL_CAPABILITIES: readonly string[] = [
  ...DOCKER_DEFAULT_CAPABILITIES,
  ...[
    "DAC_READ_SEARCH",
    "LINUX_IMMUTABLE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "LEASE",
    "AUDIT_CONTROL",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
  ].map((c) => `CAP_${c}`),
];

function capName(c: string): string {
  const upper = c.toUpperCase();
  return upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

function capabilities(o: SpecOptions): string[] {
  if (o.privileged === true) return [...ALL_CAPABILITIES];
  const add = (o.capAdd ?? []).map(capName);
  const drop = (o.capDrop ?? []).map(capName);
  let caps = add.includes("CAP_ALL") ? [...ALL_CAPABILITIES] : [...DOCKER_DEFAULT_CAPABILITIES];
  for (const c of add) if (c !== "CAP_ALL" && !caps.includes(c)) caps.push(c);
  caps = drop.includes("CAP_ALL")
    ? caps.filter((c) => add.includes(c))
    : caps.filter((c) => !drop.includes(c));
  return caps;
}
