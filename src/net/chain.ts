// The plugin configurations of Skiff's bridge network, as one CNI conflist would chain them:
// bridge (+ host-local IPAM) → portmap. Loopback runs on its own, in parallel.
import { isIPv4 } from "node:net";
import { CNI_VERSION, type CniResult, type PluginConfig } from "./cni.js";
import type { PortBinding } from "./types.js";

export interface BridgeNetwork {
  /** CNI network name; also host-local's directory name and the iptables comments' name. */
  name: string;
  bridge: string;
  subnet: string;
  /** host-local's state: IPs survive a restart of the server. */
  ipamDir: string;
}

export function bridgePlugin(n: BridgeNetwork): PluginConfig {
  return {
    cniVersion: CNI_VERSION,
    name: n.name,
    type: "bridge",
    bridge: n.bridge,
    isGateway: true,
    // Masquerading is one static rule per network (host-setup.ts), not ~60 ms of iptables per container.
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: "host-local",
      ranges: [[{ subnet: n.subnet }]],
      routes: [{ dst: "0.0.0.0/0" }],
      dataDir: n.ipamDir,
    },
  };
}

/** portmap with the bindings as runtimeConfig; snat makes 127.0.0.1 and hairpin work (route_localnet). */
export function portmapPlugin(n: BridgeNetwork, ports: readonly PortBinding[]): PluginConfig {
  return {
    cniVersion: CNI_VERSION,
    name: n.name,
    type: "portmap",
    snat: true,
    capabilities: { portMappings: true },
    runtimeConfig: {
      portMappings: ports.map((p) => ({
        hostPort: p.hostPort,
        containerPort: p.containerPort,
        protocol: p.protocol,
        ...(p.hostIp === "" ? {} : { hostIP: p.hostIp }),
      })),
    },
  };
}

export function loopbackPlugin(): PluginConfig {
  return { cniVersion: CNI_VERSION, name: "lo", type: "loopback" };
}

/** The config a chained plugin gets: its own plus the previous result. */
export function withPrevResult(config: PluginConfig, prev: CniResult | undefined): PluginConfig {
  return prev === undefined ? config : { ...config, prevResult: prev };
}

/** The container side of a bridge result: its IPv4 address, prefix, gateway and MAC. */
export function containerAddress(
  r: CniResult,
): { ip: string; prefixLen: number; gateway?: string; macAddress?: string } | undefined {
  for (const entry of r.ips ?? []) {
    const [ip, prefix] = entry.address.split("/");
    if (ip === undefined || !isIPv4(ip)) continue;
    const iface = entry.interface === undefined ? undefined : r.interfaces?.[entry.interface];
    return { ip, prefixLen: Number(prefix ?? 32), gateway: entry.gateway, macAddress: iface?.mac };
  }
  return undefined;
}

/** Checks an IPv4 CIDR such as 10.89.0.0/16; returns the gateway host-local will use (first address). */
export function parseSubnet(subnet: string): { gateway: string; prefixLen: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefixLen = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || !(prefixLen >= 8 && prefixLen <= 30)) {
    throw new Error(
      `invalid bridge subnet ${JSON.stringify(subnet)}: want an IPv4 CIDR with a prefix of 8 to 30`,
    );
  }
  const base = octets.reduce((a, o) => a * 256 + o, 0);
  const network = base - (base % 2 ** (32 - prefixLen));
  const gw = network + 1;
  return { gateway: [24, 16, 8, 0].map((s) => Math.floor(gw / 2 ** s) % 256).join("."), prefixLen };
}
