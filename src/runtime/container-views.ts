// Docker's JSON views of a container record: ContainerJSON (inspect), ContainerSummary (ps)
// and the port list (docker port). Pure: the record and the clock in, JSON out.
import { createHash } from "node:crypto";
import type { NetworkAttachment, PortBinding } from "./container-deps.js";
import { ZERO_TIME, type ContainerRecord, type MountSpec } from "./container-record.js";
import { isRunning, statusString } from "./container-status.js";
import type {
  ContainerJSON,
  ContainerStateJSON,
  ContainerSummary,
  EndpointSettings,
  MountPoint,
  NetworkSettings,
  PortMap,
  PortSummary,
} from "./docker-api-types.js";

/** A stable ID for each of the three built-in networks (Docker shows one per network). */
export function networkId(mode: string): string {
  return createHash("sha256").update(`skiff-network/${mode}`).digest("hex");
}

function stateJSON(rec: ContainerRecord): ContainerStateJSON {
  const s = rec.state;
  return {
    Status: s.status,
    Running: isRunning(s),
    Paused: s.status === "paused",
    Restarting: s.status === "restarting",
    OOMKilled: s.oomKilled,
    Dead: s.status === "dead",
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt === "" ? ZERO_TIME : s.startedAt,
    FinishedAt: s.finishedAt === "" ? ZERO_TIME : s.finishedAt,
  };
}

export function mountPoints(mounts: readonly MountSpec[]): MountPoint[] {
  return mounts.map((m) =>
    m.type === "volume"
      ? {
          Type: "volume",
          Name: m.name ?? "",
          Source: m.source,
          Destination: m.destination,
          Driver: "local",
          Mode: m.mode === "" ? "z" : m.mode,
          RW: m.rw,
          Propagation: "",
        }
      : {
          Type: m.type,
          Source: m.source,
          Destination: m.destination,
          Mode: m.mode,
          RW: m.rw,
          Propagation: m.propagation,
        },
  );
}

function hostIp(p: PortBinding): string {
  return p.hostIp === "" ? "0.0.0.0" : p.hostIp;
}

/** NetworkSettings.Ports: every exposed port, with its host bindings while running (null when not published). */
export function portMap(rec: ContainerRecord): PortMap {
  const out: PortMap = {};
  const a = rec.network;
  if (!isRunning(rec.state) || a === undefined) return out;
  for (const key of Object.keys(rec.config.ExposedPorts ?? {})) out[key] = null;
  for (const p of a.ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    const list = out[key] ?? [];
    list.push({ HostIp: hostIp(p), HostPort: String(p.hostPort) });
    out[key] = list;
  }
  return out;
}

function endpoint(mode: string, a: NetworkAttachment | undefined): EndpointSettings {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: a?.macAddress ?? "",
    DriverOpts: null,
    NetworkID: networkId(mode),
    EndpointID:
      a !== undefined
        ? createHash("sha256")
            .update(`endpoint/${a.netnsPath ?? mode}`)
            .digest("hex")
        : "",
    Gateway: a?.gateway ?? "",
    IPAddress: a?.ip ?? "",
    IPPrefixLen: a?.prefixLen ?? 0,
    IPv6Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

function networkSettings(rec: ContainerRecord): NetworkSettings {
  const mode = rec.hostConfig.NetworkMode ?? "bridge";
  const a = isRunning(rec.state) ? rec.network : undefined;
  const ep = endpoint(mode, a);
  return {
    Bridge: "",
    SandboxID: a !== undefined ? createHash("sha256").update(`sandbox/${rec.id}`).digest("hex") : "",
    SandboxKey: a?.netnsPath ?? "",
    HairpinMode: false,
    LinkLocalIPv6Address: "",
    LinkLocalIPv6PrefixLen: 0,
    Ports: portMap(rec),
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: mode === "bridge" ? (ep.EndpointID ?? "") : "",
    Gateway: ep.Gateway ?? "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    IPAddress: ep.IPAddress ?? "",
    IPPrefixLen: ep.IPPrefixLen ?? 0,
    IPv6Gateway: "",
    MacAddress: ep.MacAddress ?? "",
    Networks: { [mode]: ep },
  };
}

export function inspectView(rec: ContainerRecord, o: { logPath: string; execIds: string[] }): ContainerJSON {
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: stateJSON(rec),
    Image: rec.imageId,
    ResolvConfPath: rec.files?.resolvConf ?? "",
    HostnamePath: rec.files?.hostname ?? "",
    HostsPath: rec.files?.hosts ?? "",
    LogPath: o.logPath,
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: o.execIds.length > 0 ? o.execIds : null,
    HostConfig: rec.hostConfig,
    GraphDriver: { Name: "overlay2", Data: null },
    Mounts: mountPoints(rec.mounts),
    Config: rec.config,
    NetworkSettings: networkSettings(rec),
  };
}

/** `docker port` / ps Ports: published bindings while running, and exposed ports without one. */
export function portSummaries(rec: ContainerRecord): PortSummary[] {
  const out: PortSummary[] = [];
  const published = new Set<string>();
  if (isRunning(rec.state) && rec.network !== undefined) {
    for (const p of rec.network.ports) {
      published.add(`${p.containerPort}/${p.protocol}`);
      out.push({ IP: hostIp(p), PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol });
    }
  }
  for (const key of Object.keys(rec.config.ExposedPorts ?? {})) {
    if (published.has(key)) continue;
    const [port = "0", proto = "tcp"] = key.split("/");
    out.push({ PrivatePort: Number(port), Type: proto === "udp" ? "udp" : "tcp" });
  }
  return out;
}

/** The command column of ps: path and args joined by spaces, as Docker does. */
export function commandLine(rec: ContainerRecord): string {
  return [rec.path, ...rec.args].join(" ");
}

export function summaryView(rec: ContainerRecord, now: number = Date.now()): ContainerSummary {
  const mode = rec.hostConfig.NetworkMode ?? "bridge";
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.imageRef,
    ImageID: rec.imageId,
    Command: commandLine(rec),
    Created: Math.floor(Date.parse(rec.created) / 1000),
    Ports: portSummaries(rec),
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: statusString(rec.state, now),
    HostConfig: { NetworkMode: mode },
    NetworkSettings: { Networks: { [mode]: endpoint(mode, isRunning(rec.state) ? rec.network : undefined) } },
    Mounts: mountPoints(rec.mounts),
  };
}
