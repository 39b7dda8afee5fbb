// Memory of an engine as the machine sees it: the resident set of its own processes (server,
// monitors, shims), not of the containers' processes.
import { readdir, readFile } from "node:fs/promises";

export interface ProcessInfo {
  pid: number;
  comm: string;
  cmdline: string;
  rssKiB: number;
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const result: ProcessInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ");
      result.push({
        pid: Number(entry),
        comm: /^Name:\s+(.+)$/m.exec(status)?.[1] ?? "",
        cmdline,
        rssKiB: Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0),
      });
    } catch {
      // the process exited while we looked
    }
  }
  return result;
}

/** Resident memory (MiB) and count of the processes `pick` selects, grouped by command name. */
export async function engineMemory(
  pick: (p: ProcessInfo) => boolean,
): Promise<{ totalMiB: number; byName: Record<string, { count: number; mib: number }> }> {
  const byName: Record<string, { count: number; mib: number }> = {};
  let total = 0;
  for (const p of (await listProcesses()).filter(pick)) {
    const group = (byName[p.comm] ??= { count: 0, mib: 0 });
    group.count++;
    group.mib += p.rssKiB / 1024;
    total += p.rssKiB / 1024;
  }
  return { totalMiB: total, byName };
}
