// /etc/hosts, /etc/hostname and /etc/resolv.conf for a container, as Docker writes them. The
// runtime bind-mounts the files; they are written atomically so a restart never sees half.
import { readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.js";
import type { NetworkAttachment } from "./types.js";

/** Docker's fallback when the host has no nameserver a container can reach. */
export const DEFAULT_NAMESERVERS: readonly string[] = ["8.8.8.8", "8.8.4.4"];

const HOSTS_HEADER = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::\tip6-localnet",
  "ff00::\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
];

/** The hosts file of a container with its own network namespace; `ip` names the container. */
export function buildHosts(o: { hostname: string; domainname?: string; ip?: string }): string {
  const lines = [...HOSTS_HEADER];
  if (o.ip !== undefined) {
    const names = o.domainname ? `${o.hostname}.${o.domainname}\t${o.hostname}` : o.hostname;
    lines.push(`${o.ip}\t${names}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The host's resolv.conf with the nameservers a container cannot reach removed: loopback ones
 * (the container's 127.0.0.1 is its own) and IPv6 ones (containers have IPv4 only). When none
 * remain, Docker's defaults. search, options and comments are kept.
 */
export function filterResolvConf(host: string): string {
  const kept: string[] = [];
  let nameservers = 0;
  for (const line of host.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m !== null) {
      const addr = (m[1] ?? "").replace(/%.*$/, "");
      if (isIP(addr) !== 4 || addr.startsWith("127.")) continue;
      nameservers++;
    }
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1]?.trim() === "") kept.pop();
  if (nameservers === 0) kept.push(...DEFAULT_NAMESERVERS.map((ns) => `nameserver ${ns}`));
  return `${kept.join("\n")}\n`;
}

export interface ContainerFilePaths {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

export interface HostFiles {
  hosts: string;
  resolvConf: string;
}

export const HOST_FILES: HostFiles = { hosts: "/etc/hosts", resolvConf: "/etc/resolv.conf" };

/** Writes the three files into `dir` and returns their paths. Host mode gets the host's files. */
export async function writeContainerFiles(
  dir: string,
  o: { hostname: string; domainname?: string; attachment: NetworkAttachment; hostFiles?: HostFiles },
): Promise<ContainerFilePaths> {
  const host = o.hostFiles ?? HOST_FILES;
  const paths: ContainerFilePaths = {
    hosts: join(dir, "hosts"),
    hostname: join(dir, "hostname"),
    resolvConf: join(dir, "resolv.conf"),
  };
  const hostResolv = await readFile(host.resolvConf, "utf8").catch(() => "");
  let hosts: string;
  let resolv: string;
  if (o.attachment.mode === "host") {
    hosts = await readFile(host.hosts, "utf8").catch(() => buildHosts({ hostname: o.hostname }));
    resolv = hostResolv === "" ? filterResolvConf("") : hostResolv;
  } else {
    hosts = buildHosts({ hostname: o.hostname, domainname: o.domainname, ip: o.attachment.ip });
    resolv = filterResolvConf(hostResolv);
  }
  // Whole after kill -9 (rename); no fsync: they are written again at every start.
  const write = (path: string, text: string): Promise<void> =>
    writeFileAtomic(path, text, { durable: false });
  await Promise.all([
    write(paths.hosts, hosts),
    write(paths.hostname, `${o.hostname}\n`),
    write(paths.resolvConf, resolv),
  ]);
  return paths;
}

/**
 * Writes the hosts file of a bridged or isolated container again, in place: for a container
 * created before its address was known, whose bind mount holds the file's inode. Only while
 * the container's process has not started (nobody reads a half-written file).
 */
export async function rewriteHosts(
  path: string,
  o: { hostname: string; domainname?: string; attachment: NetworkAttachment },
): Promise<void> {
  if (o.attachment.mode === "host") return;
  await writeFile(path, buildHosts({ hostname: o.hostname, domainname: o.domainname, ip: o.attachment.ip }));
}
