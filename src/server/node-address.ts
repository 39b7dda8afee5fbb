// The defaults of a node's identity: its name is the host name (as the kubelet's), its address
// the IPv4 address of the interface the default route leaves by (what other machines reach).
import { readFile } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";

/** A Node name from the host name: lower case, as Kubernetes requires of a DNS subdomain. */
export function defaultNodeName(): string {
  return hostname().toLowerCase();
}

/** The interface of the default route in /proc/net/route's text, if there is one. */
export function defaultRouteInterface(routeTable: string): string | undefined {
  for (const line of routeTable.split("\n").slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (destination === "00000000" && mask === "00000000" && iface) return iface;
  }
  return undefined;
}

export async function defaultNodeIp(): Promise<string> {
  const table = await readFile("/proc/net/route", "utf8").catch(() => "");
  const interfaces = networkInterfaces();
  const iface = defaultRouteInterface(table);
  const ipv4 = (name: string) => interfaces[name]?.find((a) => a.family === "IPv4" && !a.internal)?.address;
  const fromRoute = iface === undefined ? undefined : ipv4(iface);
  if (fromRoute !== undefined) return fromRoute;
  for (const name of Object.keys(interfaces)) {
    const address = ipv4(name);
    if (address !== undefined) return address;
  }
  return "127.0.0.1";
}
