// A create request turned into what the container will be, without side effects: the image's
// config merged under the request's (moby image.merge), Docker's defaults, and every check
// that can fail before anything is made (restart policy, network mode, ports, resources,
// signals, mounts). Mount sources are checked on disk later (container-create.ts).
import { isAbsolute, posix } from "node:path";
import { ContainerError, InvalidParameterError } from "./container-errors.js";
import {
  joinedNetns,
  type ContainerImage,
  type JoinedNetworkMode,
  type NetworkMode,
  type PortBinding,
} from "./container-deps.js";
import { collectMounts, type MountRequest } from "./create-options-mounts.js";
import { parseSignal } from "./container-signals.js";
import type { ContainerConfig, ContainerCreateBody, HostConfig, PortMap } from "./docker-api-types.js";
import { validateRestartPolicy, policyName } from "./restart-policy.js";

export interface CreatePlan {
  config: ContainerConfig;
  hostConfig: HostConfig;
  path: string;
  args: string[];
  networkMode: NetworkMode | JoinedNetworkMode;
  ports: PortBinding[];
  mounts: MountRequest[];
  warnings: string[];
}

const MIN_MEMORY = 6 * 1024 * 1024;

/** Docker's `KEY=value` list merge: the request's entries first, then the image's whose key is not overridden. */
export function mergeEnv(image: readonly string[], user: readonly string[]): string[] {
  const key = (e: string): string => e.split("=", 1)[0] ?? e;
  const userKeys = new Set(user.map(key));
  return [...user, ...image.filter((e) => !userKeys.has(key(e)))];
}

function keys(o: Record<string, unknown> | null | undefined): string[] {
  return o ? Object.keys(o) : [];
}

function toSet(list: readonly string[]): Record<string, Record<string, never>> {
  return Object.fromEntries(list.map((k) => [k, {}]));
}

/** Cmd and Entrypoint as Docker resolves them: an Entrypoint given drops the image's Cmd unless a Cmd is given. */
export function resolveCommand(
  user: Pick<ContainerConfig, "Cmd" | "Entrypoint">,
  image: { Cmd?: string[] | null; Entrypoint?: string[] | null },
): { entrypoint: string[] | null; cmd: string[] | null } {
  let entrypoint = user.Entrypoint ?? null;
  let cmd = user.Cmd && user.Cmd.length > 0 ? user.Cmd : null;
  if (entrypoint === null || entrypoint.length === 0) {
    if (cmd === null) cmd = image.Cmd && image.Cmd.length > 0 ? image.Cmd : null;
    if (entrypoint === null)
      entrypoint = image.Entrypoint && image.Entrypoint.length > 0 ? image.Entrypoint : null;
  }
  if (entrypoint !== null && entrypoint.length === 0) entrypoint = null;
  return { entrypoint, cmd };
}

/** "80", "80/tcp", "53/udp" → port and protocol. */
export function parsePortKey(key: string): { port: number; protocol: "tcp" | "udp" } {
  const [portText = "", proto = "tcp"] = key.split("/", 2);
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port < 1 || port > 65535) {
    throw new InvalidParameterError(`invalid containerPort: ${portText}`);
  }
  if (proto !== "tcp" && proto !== "udp") throw new InvalidParameterError(`invalid proto: ${proto}`);
  return { port, protocol: proto };
}

function parseHostPort(text: string): number {
  if (text === "") return 0;
  const first = text.split("-", 1)[0] ?? ""; // a range: its first port
  const n = Number(first);
  if (!/^[0-9]+$/.test(first) || n > 65535) throw new InvalidParameterError(`invalid hostPort: ${text}`);
  return n;
}

/** PortBindings (and, with PublishAllPorts, every exposed port on a random host port). */
export function portBindings(
  bindings: PortMap | null | undefined,
  exposed: readonly string[],
  publishAll: boolean,
): PortBinding[] {
  const out: PortBinding[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, protocol } = parsePortKey(key);
    bound.add(`${port}/${protocol}`);
    for (const b of list ?? []) {
      out.push({
        containerPort: port,
        protocol,
        hostIp: b.HostIp ?? "",
        hostPort: parseHostPort(b.HostPort ?? ""),
      });
    }
  }
  if (publishAll) {
    for (const key of exposed) {
      const { port, protocol } = parsePortKey(key);
      if (!bound.has(`${port}/${protocol}`))
        out.push({ containerPort: port, protocol, hostIp: "", hostPort: 0 });
    }
  }
  return out;
}

function networkMode(raw: string | undefined): NetworkMode | JoinedNetworkMode {
  const joined = joinedNetns(raw);
  if (joined !== undefined) {
    if (!isAbsolute(joined) || posix.normalize(joined) !== joined) {
      throw new InvalidParameterError(
        `invalid network mode ns:${joined}: the path must be absolute and clean`,
      );
    }
    return `ns:${joined}`;
  }
  switch (raw ?? "") {
    case "":
    case "default":
    case "bridge":
      return "bridge";
    case "host":
      return "host";
    case "none":
      return "none";
    default:
      throw new ContainerNetworkNotFoundError(raw ?? "");
  }
}

/** 404 like Docker's for a user-defined network Skiff does not have. */
export class ContainerNetworkNotFoundError extends ContainerError {
  constructor(name: string) {
    super(404, `network ${name} not found`);
  }
}

function checkResources(hc: HostConfig, cpus: number): void {
  const memory = hc.Memory ?? 0;
  if (memory < 0) throw new InvalidParameterError("invalid memory limit: must be a positive number");
  if (memory > 0 && memory < MIN_MEMORY)
    throw new InvalidParameterError("Minimum memory limit allowed is 6MB");
  const swap = hc.MemorySwap ?? 0;
  if (memory > 0 && swap > 0 && swap < memory) {
    throw new InvalidParameterError("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  const nano = hc.NanoCpus ?? 0;
  if (nano !== 0 && ((hc.CpuQuota ?? 0) > 0 || (hc.CpuPeriod ?? 0) > 0)) {
    throw new InvalidParameterError("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  }
  if (nano < 0 || nano > cpus * 1e9) {
    throw new InvalidParameterError(
      `Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`,
    );
  }
  if ((hc.CpuPeriod ?? 0) !== 0 && ((hc.CpuPeriod ?? 0) < 1000 || (hc.CpuPeriod ?? 0) > 1_000_000)) {
    throw new InvalidParameterError(
      "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
    );
  }
  if ((hc.CpuQuota ?? 0) > 0 && (hc.CpuQuota ?? 0) < 1000) {
    throw new InvalidParameterError("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  }
}

export function planCreate(
  body: ContainerCreateBody,
  image: ContainerImage,
  o: { id: string; hostPlatform: string; hostCpus: number; hostHostname: string; platformRequested: boolean },
): CreatePlan {
  const img = image.config.config ?? {};
  const { HostConfig: hcIn, NetworkingConfig: _net, Platform: _platform, ...userConfig } = body;
  const hostConfig: HostConfig = { ...(hcIn ?? {}) };
  const warnings: string[] = [];

  validateRestartPolicy(hostConfig.RestartPolicy);
  if (hostConfig.AutoRemove === true && policyName(hostConfig.RestartPolicy) !== "no") {
    throw new InvalidParameterError("can't create 'AutoRemove' container with restart policy");
  }
  const mode = networkMode(hostConfig.NetworkMode);
  hostConfig.NetworkMode = mode;
  hostConfig.RestartPolicy = {
    Name: policyName(hostConfig.RestartPolicy),
    MaximumRetryCount: hostConfig.RestartPolicy?.MaximumRetryCount ?? 0,
  };
  hostConfig.LogConfig = { Type: "k8s-file", Config: {} };
  checkResources(hostConfig, o.hostCpus);
  if (userConfig.StopSignal !== undefined && userConfig.StopSignal !== "") parseSignal(userConfig.StopSignal);
  if (hostConfig.Memory && hostConfig.Memory > 0 && (hostConfig.MemorySwap ?? 0) === 0) {
    hostConfig.MemorySwap = hostConfig.Memory * 2; // what Docker reports; the spec gets no extra swap
  }

  const { entrypoint, cmd } = resolveCommand(userConfig, img);
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  const path = argv[0];
  if (path === undefined) throw new InvalidParameterError("No command specified");

  const exposedKeys = [...new Set([...keys(img.ExposedPorts), ...keys(userConfig.ExposedPorts)])];
  const ports =
    mode === "bridge"
      ? portBindings(hostConfig.PortBindings, exposedKeys, hostConfig.PublishAllPorts === true)
      : [];
  for (const key of Object.keys(hostConfig.PortBindings ?? {})) {
    if (!exposedKeys.includes(key)) exposedKeys.push(key.includes("/") ? key : `${key}/tcp`);
  }
  if (mode !== "bridge" && Object.keys(hostConfig.PortBindings ?? {}).length > 0) {
    warnings.push("Published ports are discarded when using host network mode");
  }
  const volumeKeys = [...new Set([...keys(img.Volumes), ...keys(userConfig.Volumes)])];
  const mounts = collectMounts(hostConfig, volumeKeys);

  const hostname =
    userConfig.Hostname !== undefined && userConfig.Hostname !== ""
      ? userConfig.Hostname
      : mode === "host"
        ? o.hostHostname
        : o.id.slice(0, 12);
  const labels = { ...(img.Labels ?? {}), ...(userConfig.Labels ?? {}) };
  const config: ContainerConfig = {
    Hostname: hostname,
    Domainname: userConfig.Domainname ?? "",
    User: userConfig.User !== undefined && userConfig.User !== "" ? userConfig.User : (img.User ?? ""),
    AttachStdin: userConfig.AttachStdin ?? false,
    AttachStdout: userConfig.AttachStdout ?? false,
    AttachStderr: userConfig.AttachStderr ?? false,
    ...(exposedKeys.length > 0 ? { ExposedPorts: toSet(exposedKeys) } : {}),
    Tty: userConfig.Tty ?? false,
    OpenStdin: userConfig.OpenStdin ?? false,
    StdinOnce: userConfig.StdinOnce ?? false,
    Env: mergeEnv(img.Env ?? [], userConfig.Env ?? []),
    Cmd: cmd,
    Image: userConfig.Image ?? "",
    Volumes: volumeKeys.length > 0 ? toSet(volumeKeys) : null,
    WorkingDir:
      userConfig.WorkingDir !== undefined && userConfig.WorkingDir !== ""
        ? userConfig.WorkingDir
        : (img.WorkingDir ?? ""),
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: labels,
    ...(userConfig.StopSignal !== undefined && userConfig.StopSignal !== ""
      ? { StopSignal: userConfig.StopSignal }
      : img.StopSignal !== undefined && img.StopSignal !== ""
        ? { StopSignal: img.StopSignal }
        : {}),
    ...(userConfig.StopTimeout !== undefined && userConfig.StopTimeout !== null
      ? { StopTimeout: userConfig.StopTimeout }
      : {}),
    ...(userConfig.Healthcheck ? { Healthcheck: userConfig.Healthcheck } : {}),
  };

  const imagePlatform = [
    image.config.os ?? "linux",
    image.config.architecture ?? "",
    image.config.variant ?? "",
  ]
    .filter((p) => p !== "")
    .join("/");
  if (!o.platformRequested && !samePlatform(imagePlatform, o.hostPlatform)) {
    warnings.push(
      `The requested image's platform (${imagePlatform}) does not match the detected host platform (${o.hostPlatform}) and no specific platform was requested`,
    );
  }
  return { config, hostConfig, path, args: argv.slice(1), networkMode: mode, ports, mounts, warnings };
}

/** os/arch equal (a variant only counts when both name one, as amd64 images rarely do). */
function samePlatform(a: string, b: string): boolean {
  const [ao, aa, av] = a.split("/");
  const [bo, ba, bv] = b.split("/");
  if (ao !== bo || aa !== ba) return false;
  return av === undefined || bv === undefined || av === bv || aa === "amd64";
}
