// Container statistics in the shape of Docker's GET /containers/{id}/stats, read from the
// container's cgroup (v1: the memory, cpuacct, cpu and pids hierarchies; v2: the unified one),
// /proc/stat for the host's CPU time and /proc/<pid>/net/dev for the container's network
// namespace. `cgroupPath` is the spec's linux.cgroupsPath (e.g. "/skiff/<id>").
import { readFile, access } from "node:fs/promises";
import { totalmem } from "node:os";
import { join } from "node:path";
import { type CpuStats, type DockerStats, type NetworkStats, emptyCpuStats } from "./cgroups-types.js";

export type { DockerStats, CpuStats, NetworkStats } from "./cgroups-types.js";

const CGROUP_ROOT = "/sys/fs/cgroup";
/** /proc/stat counts in USER_HZ (100 on Linux); Docker reports nanoseconds. */
const NS_PER_TICK = 1e9 / 100;

export interface ReadStatsOptions {
  /** Any PID in the container, for its network namespace's counters. */
  pid?: number;
  /** The previous sample: becomes precpu_stats/preread, as Docker's stream does. */
  previous?: DockerStats;
  id?: string;
  name?: string; // "/web"
  root?: string; // cgroup mount root (tests)
}

let unified: boolean | undefined;
async function isCgroup2(root: string): Promise<boolean> {
  if (root !== CGROUP_ROOT) return exists(join(root, "cgroup.controllers"));
  unified ??= await exists(join(root, "cgroup.controllers"));
  return unified;
}

export async function readStats(cgroupPath: string, o: ReadStatsOptions = {}): Promise<DockerStats> {
  const root = o.root ?? CGROUP_ROOT;
  const v2 = await isCgroup2(root);
  const [cgroup, system, networks] = await Promise.all([
    v2 ? readV2(join(root, cgroupPath)) : readV1(root, cgroupPath),
    readSystemCpu(),
    o.pid !== undefined ? readNetDev(o.pid) : Promise.resolve(undefined),
  ]);
  const cpu: CpuStats = {
    ...cgroup.cpu,
    system_cpu_usage: system.totalNs,
    online_cpus: system.cpus,
  };
  return {
    id: o.id ?? "",
    name: o.name ?? "",
    read: new Date().toISOString(),
    preread: o.previous?.read ?? "0001-01-01T00:00:00Z",
    pids_stats: cgroup.pids,
    blkio_stats: {
      io_service_bytes_recursive: null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: o.previous?.cpu_stats ?? emptyCpuStats(),
    memory_stats: cgroup.memory,
    ...(networks ? { networks } : {}),
  };
}

interface CgroupPart {
  cpu: Omit<CpuStats, "system_cpu_usage" | "online_cpus">;
  memory: DockerStats["memory_stats"];
  pids: DockerStats["pids_stats"];
}

async function readV1(root: string, path: string): Promise<CgroupPart> {
  const mem = join(root, "memory", path);
  const acct = join(root, "cpuacct", path);
  const cpuDir = join(root, "cpu", path);
  const pidsDir = join(root, "pids", path);
  const [usage, maxUsage, limit, failcnt, memStat, total, percpu, acctStat, cpuStat, pidsCur, pidsMax] =
    await Promise.all([
      readNumber(join(mem, "memory.usage_in_bytes")),
      readNumber(join(mem, "memory.max_usage_in_bytes")),
      readNumber(join(mem, "memory.limit_in_bytes")),
      readNumber(join(mem, "memory.failcnt")),
      readKeyValues(join(mem, "memory.stat")),
      readNumber(join(acct, "cpuacct.usage")),
      readText(join(acct, "cpuacct.usage_percpu")),
      readKeyValues(join(acct, "cpuacct.stat")),
      readKeyValues(join(cpuDir, "cpu.stat")),
      readNumber(join(pidsDir, "pids.current")),
      readText(join(pidsDir, "pids.max")),
    ]);
  const percpuUsage = (percpu ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
  const memory: DockerStats["memory_stats"] =
    usage === undefined
      ? {}
      : {
          usage,
          max_usage: maxUsage ?? 0,
          stats: memStat ?? {},
          limit: memoryLimit(limit),
          failcnt: failcnt ?? 0,
        };
  return {
    cpu: {
      cpu_usage: {
        total_usage: total ?? 0,
        ...(percpuUsage.length > 0 ? { percpu_usage: percpuUsage } : {}),
        usage_in_kernelmode: (acctStat?.system ?? 0) * NS_PER_TICK,
        usage_in_usermode: (acctStat?.user ?? 0) * NS_PER_TICK,
      },
      throttling_data: {
        periods: cpuStat?.nr_periods ?? 0,
        throttled_periods: cpuStat?.nr_throttled ?? 0,
        throttled_time: cpuStat?.throttled_time ?? 0,
      },
    },
    memory,
    pids: pidsStats(pidsCur, pidsMax),
  };
}

async function readV2(dir: string): Promise<CgroupPart> {
  const [current, max, memStat, cpuStat, pidsCur, pidsMax, peak] = await Promise.all([
    readNumber(join(dir, "memory.current")),
    readText(join(dir, "memory.max")),
    readKeyValues(join(dir, "memory.stat")),
    readKeyValues(join(dir, "cpu.stat")),
    readNumber(join(dir, "pids.current")),
    readText(join(dir, "pids.max")),
    readNumber(join(dir, "memory.peak")),
  ]);
  const limitText = (max ?? "max").trim();
  const memory: DockerStats["memory_stats"] =
    current === undefined
      ? {}
      : {
          usage: current,
          ...(peak !== undefined ? { max_usage: peak } : {}),
          stats: memStat ?? {},
          limit: memoryLimit(limitText === "max" ? undefined : Number(limitText)),
        };
  return {
    cpu: {
      cpu_usage: {
        total_usage: (cpuStat?.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (cpuStat?.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpuStat?.user_usec ?? 0) * 1000,
      },
      throttling_data: {
        periods: cpuStat?.nr_periods ?? 0,
        throttled_periods: cpuStat?.nr_throttled ?? 0,
        throttled_time: (cpuStat?.throttled_usec ?? 0) * 1000,
      },
    },
    memory,
    pids: pidsStats(pidsCur, pidsMax),
  };
}

/** No limit reads as a huge number (v1) or "max" (v2); Docker then reports the host's memory. */
function memoryLimit(limit: number | undefined): number {
  const host = totalmem();
  return limit === undefined || limit > host ? host : limit;
}

function pidsStats(current: number | undefined, max: string | undefined): DockerStats["pids_stats"] {
  const limit = max !== undefined && max.trim() !== "max" ? Number(max.trim()) : undefined;
  return { ...(current !== undefined ? { current } : {}), ...(limit !== undefined ? { limit } : {}) };
}

/** Host CPU time (all CPUs) in ns and the number of online CPUs, from /proc/stat. */
export async function readSystemCpu(): Promise<{ totalNs: number; cpus: number }> {
  const text = (await readText("/proc/stat")) ?? "";
  let totalNs = 0;
  let cpus = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("cpu ")) {
      const ticks = line.trim().split(/\s+/).slice(1, 8).map(Number); // user..softirq
      totalNs = ticks.reduce((a, b) => a + b, 0) * NS_PER_TICK;
    } else if (/^cpu\d+ /.test(line)) cpus++;
  }
  return { totalNs, cpus };
}

/** Interface counters of the network namespace of `pid` (loopback left out, as Docker does). */
export async function readNetDev(pid: number): Promise<Record<string, NetworkStats> | undefined> {
  const text = await readText(`/proc/${pid}/net/dev`);
  return text === undefined ? undefined : parseNetDev(text);
}

export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === "lo") continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0,
      rx_packets: f[1] ?? 0,
      rx_errors: f[2] ?? 0,
      rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0,
      tx_packets: f[9] ?? 0,
      tx_errors: f[10] ?? 0,
      tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined; // the controller or the cgroup is gone: report what there is
  }
}

async function readNumber(path: string): Promise<number | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
async function readKeyValues(path: string): Promise<Record<string, number> | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k !== undefined && k !== "" && v !== undefined) out[k] = Number(v);
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
