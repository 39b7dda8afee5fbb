// What the node agent reports about its machine: capacity, identity and the cheap pressure
// checks behind the MemoryPressure, DiskPressure and PIDPressure conditions.
import { readFileSync, readdirSync, statfsSync } from "node:fs";
import os from "node:os";

export interface MachineFacts {
  cpus: number;
  memoryBytes: number;
  /** Size of the file system holding the data directory (ephemeral-storage), when known. */
  storageBytes?: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  hostname: string;
}

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export interface Machine {
  facts(): MachineFacts;
  pressure(): Pressure;
}

/** The kubelet's default hard eviction thresholds. */
const MEMORY_AVAILABLE_MIN = 100 * 1024 * 1024;
const NODEFS_AVAILABLE_MIN = 0.1;
const PID_AVAILABLE_MIN = 0.1;

export function hostMachine(o: { dataDir?: string } = {}): Machine {
  const dir = o.dataDir ?? "/";
  return {
    facts() {
      const fs = tryRead(() => statfsSync(dir));
      const machineID = readText("/etc/machine-id");
      return {
        cpus: os.availableParallelism(),
        memoryBytes: os.totalmem(),
        ...(fs && { storageBytes: fs.blocks * fs.bsize }),
        machineID,
        systemUUID: readText("/sys/class/dmi/id/product_uuid") || machineID,
        bootID: readText("/proc/sys/kernel/random/boot_id"),
        kernelVersion: os.release(),
        osImage: osImage(),
        architecture: goArch(os.arch()),
        hostname: os.hostname(),
      };
    },
    pressure() {
      const fs = tryRead(() => statfsSync(dir));
      const pidMax = Number(readText("/proc/sys/kernel/pid_max")) || 0;
      const pids = tryRead(() => readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length) ?? 0;
      return {
        memory: os.freemem() < MEMORY_AVAILABLE_MIN,
        disk: fs !== undefined && fs.blocks > 0 && fs.bavail / fs.blocks < NODEFS_AVAILABLE_MIN,
        pid: pidMax > 0 && (pidMax - pids) / pidMax < PID_AVAILABLE_MIN,
      };
    },
  };
}

function tryRead<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function readText(path: string): string {
  return tryRead(() => readFileSync(path, "utf8").trim()) ?? "";
}

function osImage(): string {
  const release = readText("/etc/os-release");
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
  return m?.[1] ?? "Unknown";
}

/** Node's arch names as Go (and so Kubernetes) spells them. */
export function goArch(arch: string): string {
  const names: Record<string, string> = { x64: "amd64", ia32: "386", arm: "arm", arm64: "arm64" };
  return names[arch] ?? arch;
}
