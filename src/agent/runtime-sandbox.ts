// The pod sandbox: one network namespace per pod with an IP on the node's bridge (and the
// pod's hostPorts published), made by net/'s NetworkManager under the id `pod-<uid>`, and the
// files every container of the pod mounts: etc-hosts (the kubelet's, naming the pod), hostname
// and resolv.conf (the host's, without nameservers a pod cannot reach). The attachment is
// persisted by the NetworkManager, so a restart of Skiff finds the namespace again.
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import type { KubeObject } from "../api/types.js";
import { KeyedMutex } from "../content/keyed-mutex.js";
import { writeFileAtomic } from "../net/atomic-file.js";
import { filterResolvConf } from "../net/container-files.js";
import type { NetworkManager, PortBinding } from "../net/manager.js";
import { podHostname, podSpec, podUid } from "./runtime-types.js";

export type SandboxNetwork = Pick<NetworkManager, "attach" | "detach" | "restore" | "attachment">;

/** What containers of the pod join and mount. */
export interface Sandbox {
  podIP: string;
  /** undefined for hostNetwork pods (they use the host's namespace). */
  netnsPath: string | undefined;
  files: { hosts: string; hostname: string; resolvConf: string };
}

const CLUSTER_DOMAIN = "cluster.local";

export function sandboxId(uid: string): string {
  return `pod-${uid}`;
}

export class PodSandboxes {
  readonly #network: SandboxNetwork;
  readonly #nodeIP: string;
  readonly #log: Logger;
  /** Sandboxes whose published ports this process has bound again after a restart. */
  readonly #restored = new Set<string>();
  /** One ensure/remove at a time per pod: two attaches of one id would undo each other. */
  readonly #lock = new KeyedMutex();
  /**
   * Sandboxes this process has made or found, by pod uid: a container's (re)start reuses its
   * pod's without reading the attachment and the files again (as the kubelet keeps a sandbox
   * until the pod goes). A restarted Skiff starts empty and finds them again.
   */
  readonly #ready = new Map<string, Sandbox>();

  constructor(o: { network: SandboxNetwork; nodeIP: string; logger: Logger }) {
    this.#network = o.network;
    this.#nodeIP = o.nodeIP;
    this.#log = o.logger;
  }

  /** Makes (or finds) the pod's namespace and writes its files into `podDir`. */
  ensure(pod: KubeObject, podDir: string): Promise<Sandbox> {
    const uid = podUid(pod);
    return this.#lock.run(uid, async () => {
      const known = this.#ready.get(uid);
      if (known !== undefined) return known;
      const sandbox = await this.#ensure(pod, podDir);
      this.#ready.set(uid, sandbox);
      return sandbox;
    });
  }

  async #ensure(pod: KubeObject, podDir: string): Promise<Sandbox> {
    const spec = podSpec(pod);
    const files = filesIn(podDir);
    if (spec.hostNetwork === true) {
      await writeFiles(files, pod, { ip: this.#nodeIP, hostNetwork: true });
      return { podIP: this.#nodeIP, netnsPath: undefined, files };
    }
    const id = sandboxId(podUid(pod));
    let a = await this.#network.attachment(id);
    if (a?.netnsPath !== undefined && a.ip !== undefined && (await exists(a.netnsPath))) {
      if (!this.#restored.has(id)) {
        await this.#network.restore(id, a);
        this.#restored.add(id);
      }
    } else {
      a = await this.#network.attach(id, {
        mode: "bridge",
        ports: hostPorts(pod),
        endpointName: `${pod.metadata.namespace ?? "default"}_${pod.metadata.name ?? ""}`,
      });
      this.#restored.add(id);
      this.#log.debug({ pod: pod.metadata.name, ip: a.ip }, "pod sandbox made");
    }
    if (a.ip === undefined || a.netnsPath === undefined) throw new Error(`pod sandbox ${id} has no address`);
    await writeFiles(files, pod, { ip: a.ip, hostNetwork: false });
    return { podIP: a.ip, netnsPath: a.netnsPath, files };
  }

  remove(uid: string): Promise<void> {
    return this.#lock.run(uid, async () => {
      const id = sandboxId(uid);
      this.#ready.delete(uid);
      await this.#network.detach(id);
      this.#restored.delete(id);
    });
  }
}

function filesIn(podDir: string): Sandbox["files"] {
  return {
    hosts: join(podDir, "etc-hosts"),
    hostname: join(podDir, "hostname"),
    resolvConf: join(podDir, "resolv.conf"),
  };
}

/** Every container's hostPort as a binding (protocol in lower case, as net/ wants it). */
export function hostPorts(pod: KubeObject): PortBinding[] {
  const out: PortBinding[] = [];
  const spec = podSpec(pod);
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const ports = (c as { ports?: Array<Record<string, unknown>> }).ports ?? [];
    for (const p of ports) {
      const hostPort = Number(p.hostPort ?? 0);
      if (!(hostPort > 0)) continue;
      out.push({
        containerPort: Number(p.containerPort),
        protocol: String(p.protocol ?? "TCP").toLowerCase() === "udp" ? "udp" : "tcp",
        hostIp: typeof p.hostIP === "string" ? p.hostIP : "",
        hostPort,
      });
    }
  }
  return out;
}

/** The kubelet's managed hosts file (kubelet_pods.go managedHostsFileContent). */
export function hostsFile(pod: KubeObject, ip: string, hostFile?: string): string {
  const spec = podSpec(pod);
  const lines: string[] = [];
  if (hostFile !== undefined) {
    lines.push("# Kubernetes-managed hosts file (host network).", hostFile.replace(/\n$/, ""));
  } else {
    lines.push(
      "# Kubernetes-managed hosts file.",
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "fe00::0\tip6-localnet",
      "fe00::0\tip6-mcastprefix",
      "fe00::1\tip6-allnodes",
      "fe00::2\tip6-allrouters",
    );
    const host = podHostname(pod);
    if (spec.subdomain !== undefined && spec.subdomain !== "") {
      const ns = pod.metadata.namespace ?? "default";
      lines.push(`${ip}\t${host}.${spec.subdomain}.${ns}.svc.${CLUSTER_DOMAIN}\t${host}`);
    } else {
      lines.push(`${ip}\t${host}`);
    }
  }
  const aliases = spec.hostAliases ?? [];
  if (aliases.length > 0) {
    lines.push("", "# Entries added by HostAliases.");
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join("\t")}`);
  }
  return `${lines.join("\n")}\n`;
}

async function writeFiles(
  files: Sandbox["files"],
  pod: KubeObject,
  o: { ip: string; hostNetwork: boolean },
): Promise<void> {
  await mkdir(dirname(files.hosts), { recursive: true, mode: 0o755 });
  const hostResolv = await readFile("/etc/resolv.conf", "utf8").catch(() => "");
  const hostHosts = o.hostNetwork ? await readFile("/etc/hosts", "utf8").catch(() => "") : undefined;
  const want: Array<[string, string]> = [
    [files.hosts, hostsFile(pod, o.ip, hostHosts)],
    [files.hostname, `${podHostname(pod)}\n`],
    [files.resolvConf, o.hostNetwork && hostResolv !== "" ? hostResolv : filterResolvConf(hostResolv)],
  ];
  // Rewritten only when changed: running containers hold the old file's inode.
  await Promise.all(
    want.map(async ([path, text]) => {
      if ((await readFile(path, "utf8").catch(() => undefined)) === text) return;
      await writeFileAtomic(path, text, { durable: false });
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
