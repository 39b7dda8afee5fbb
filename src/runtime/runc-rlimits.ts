// Resource limits (rlimits) for runc, derived from the host's own: a container may not be
// given more than the host's hard limit (runc fails at init with "error setting rlimit type
// 7: operation not permitted"), so RLIMIT_NOFILE is the host's hard limit and `--ulimit`
// values are capped at the host's.
import { readFileSync } from "node:fs";
import type { OciRlimit } from "./oci-spec-types.js";

/** The rlimits for a container: RLIMIT_NOFILE = the host's hard limit, then `ulimits`, capped. */
export function containerRlimits(host: OciRlimit[], ulimits: OciRlimit[]): OciRlimit[] {
  const hostHard = new Map(host.map((l) => [l.type, l.hard]));
  const out = new Map<string, OciRlimit>();
  const nofile = hostHard.get("RLIMIT_NOFILE");
  if (nofile !== undefined) out.set("RLIMIT_NOFILE", { type: "RLIMIT_NOFILE", hard: nofile, soft: nofile });
  for (const u of ulimits) {
    const cap = hostHard.get(u.type) ?? UNLIMITED;
    // Docker's -1 means unlimited.
    const hard = Math.min(u.hard < 0 ? UNLIMITED : u.hard, cap);
    const soft = Math.min(u.soft < 0 ? UNLIMITED : u.soft, hard);
    out.set(u.type, { type: u.type, hard, soft });
  }
  // An unlimited value cannot be written exactly; leaving the type out inherits the host's
  // (unlimited) value, which is the same thing.
  return [...out.values()].filter((l) => Number.isFinite(l.hard) && Number.isFinite(l.soft));
}

// /proc/self/limits row names → OCI rlimit types.
const LIMIT_ROWS: Readonly<Record<string, string>> = {
  "Max cpu time": "RLIMIT_CPU",
  "Max file size": "RLIMIT_FSIZE",
  "Max data size": "RLIMIT_DATA",
  "Max stack size": "RLIMIT_STACK",
  "Max core file size": "RLIMIT_CORE",
  "Max resident set": "RLIMIT_RSS",
  "Max processes": "RLIMIT_NPROC",
  "Max open files": "RLIMIT_NOFILE",
  "Max locked memory": "RLIMIT_MEMLOCK",
  "Max address space": "RLIMIT_AS",
  "Max file locks": "RLIMIT_LOCKS",
  "Max pending signals": "RLIMIT_SIGPENDING",
  "Max msgqueue size": "RLIMIT_MSGQUEUE",
  "Max nice priority": "RLIMIT_NICE",
  "Max realtime priority": "RLIMIT_RTPRIO",
  "Max realtime timeout": "RLIMIT_RTTIME",
};

/** "unlimited" (RLIM_INFINITY, 2^64-1) has no exact JSON number in JavaScript: Infinity here. */
const UNLIMITED = Number.POSITIVE_INFINITY;

/** Parses /proc/<pid>/limits text into OCI rlimits (pure; see readHostRlimits). */
export function parseProcLimits(text: string): OciRlimit[] {
  const out: OciRlimit[] = [];
  for (const line of text.split("\n")) {
    for (const [row, type] of Object.entries(LIMIT_ROWS)) {
      if (!line.startsWith(row + " ")) continue;
      const fields = line.slice(row.length).trim().split(/\s+/);
      const num = (s: string | undefined): number => (s === "unlimited" ? UNLIMITED : Number(s));
      const soft = num(fields[0]);
      const hard = num(fields[1]);
      if (!Number.isNaN(soft) && !Number.isNaN(hard)) out.push({ type, soft, hard });
    }
  }
  return out;
}

/** This process's rlimits: what a container may at most be given. */
export function readHostRlimits(): OciRlimit[] {
  return parseProcLimits(readFileSync("/proc/self/limits", "utf8"));
}
