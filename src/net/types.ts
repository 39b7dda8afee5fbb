// The data net/ hands to the runtime (docs/engine.md, "net/").

export type NetworkMode = "bridge" | "host" | "none";
export type PortProtocol = "tcp" | "udp";

/** One published port. hostIp "" = all IPv4 addresses; hostPort 0 = pick a free one. */
export interface PortBinding {
  containerPort: number;
  protocol: PortProtocol;
  hostIp: string;
  hostPort: number;
}

/** What attach did: where the container's network namespace is and how it is reached. */
export interface NetworkAttachment {
  mode: NetworkMode;
  /** The namespace the container joins (bridge, none); absent for host. */
  netnsPath?: string;
  ip?: string;
  prefixLen?: number;
  gateway?: string;
  macAddress?: string;
  /** The bindings as published: every hostPort is the real one (never 0). */
  ports: PortBinding[];
}
