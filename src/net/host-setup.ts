// Host settings the bridge network needs once, not per container:
// - net.ipv4.ip_forward=1 (a fresh machine has 0);
// - one MASQUERADE rule for the subnet and FORWARD accepts for the bridge, as Docker installs
//   for docker0. The bridge plugin's per-container ipMasq costs ~60 ms per ADD and per DEL
//   in iptables calls (measured here); one rule per network costs nothing per container.
import { writeFile } from "node:fs/promises";
import { execTool } from "./exec.js";

export interface HostRule {
  table: "nat" | "filter";
  chain: string;
  spec: string[];
}

/** The static rules of one bridge network, each tagged with a comment naming the bridge. */
export function bridgeRules(bridge: string, subnet: string): HostRule[] {
  const tag = ["-m", "comment", "--comment", `skiff:${bridge}`];
  return [
    {
      table: "nat",
      chain: "POSTROUTING",
      spec: ["-s", subnet, "!", "-o", bridge, ...tag, "-j", "MASQUERADE"],
    },
    { table: "filter", chain: "FORWARD", spec: ["-i", bridge, ...tag, "-j", "ACCEPT"] },
    {
      table: "filter",
      chain: "FORWARD",
      // Replies, and new connections DNATed to a published port.
      spec: [
        "-o",
        bridge,
        "-m",
        "conntrack",
        "--ctstate",
        "RELATED,ESTABLISHED,DNAT",
        ...tag,
        "-j",
        "ACCEPT",
      ],
    },
  ];
}

export async function enableIpForward(): Promise<void> {
  await writeFile("/proc/sys/net/ipv4/ip_forward", "1\n");
}

/** Inserts each rule unless it is already there (idempotent across restarts). */
export async function ensureRules(rules: readonly HostRule[]): Promise<void> {
  for (const r of rules) {
    const check = await execTool("iptables", ["-w", "-t", r.table, "-C", r.chain, ...r.spec]);
    if (check.code === 0) continue;
    const add = await execTool("iptables", ["-w", "-t", r.table, "-I", r.chain, "1", ...r.spec]);
    if (add.code !== 0)
      throw new Error(`iptables -t ${r.table} -I ${r.chain} ${r.spec.join(" ")}: ${add.stderr.trim()}`);
  }
}

/** Deletes the rules (every copy); missing ones are fine. */
export async function removeRules(rules: readonly HostRule[]): Promise<void> {
  for (const r of rules) {
    for (let i = 0; i < 16; i++) {
      const del = await execTool("iptables", ["-w", "-t", r.table, "-D", r.chain, ...r.spec]);
      if (del.code !== 0) break;
    }
  }
}

/** Deletes a Linux bridge; a missing one is fine. */
export async function deleteBridge(bridge: string): Promise<void> {
  const r = await execTool("ip", ["link", "del", bridge]);
  if (r.code !== 0 && !/Cannot find device/i.test(r.stderr)) {
    throw new Error(`ip link del ${bridge}: ${r.stderr.trim()}`);
  }
}
