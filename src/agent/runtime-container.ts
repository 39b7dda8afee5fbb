// A pod container as an engine create request: its name and labels (docs/orchestration.md),
// command/args over the image's Entrypoint/Cmd as Kubernetes resolves them (command replaces
// the Entrypoint and drops the Cmd; args replace the Cmd), env, mounts (the pod's hosts,
// hostname and resolv.conf unless the container mounts its own), the sandbox's namespace,
// resources as the kubelet maps them to cgroups, the user, tty/stdin; no restart policy (the
// agent restarts, with back-off).
import type { KubeObject } from "../api/types.js";
import { parseQuantity } from "../api/resources/quantity.js";
import type { ContainerCreateBody, HostConfig, MountJSON } from "../runtime/docker-api-types.js";
import { expandCommand } from "./env.js";
import type { Sandbox } from "./runtime-sandbox.js";
import { podHostname, podSpec, podUid, type PodContainer } from "./runtime-types.js";

export const LABELS = {
  podUid: "io.kubernetes.pod.uid",
  podName: "io.kubernetes.pod.name",
  podNamespace: "io.kubernetes.pod.namespace",
  containerName: "io.kubernetes.container.name",
  attempt: "io.kubernetes.container.attempt",
  init: "io.kubernetes.container.init",
} as const;

const CFS_PERIOD = 100_000;
const MIN_QUOTA = 1000;
const MIN_SHARES = 2;

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, as the kubelet named Docker containers. */
export function containerName(pod: KubeObject, container: string, attempt: number): string {
  const m = pod.metadata;
  return `k8s_${container}_${m.name ?? ""}_${m.namespace ?? "default"}_${podUid(pod)}_${attempt}`;
}

export interface ContainerPlan {
  pod: KubeObject;
  container: PodContainer;
  attempt: number;
  init: boolean;
  env: Map<string, string>;
  mounts: MountJSON[];
  sandbox: Sandbox;
}

export function containerBody(p: ContainerPlan): ContainerCreateBody {
  const c = p.container;
  const m = p.pod.metadata;
  const nonEmpty = (l: string[] | undefined): string[] | undefined =>
    l !== undefined && l.length > 0 ? l : undefined;
  const command = expandCommand(nonEmpty(c.command), p.env);
  const args = expandCommand(nonEmpty(c.args), p.env);
  const own = new Set(p.mounts.map((x) => x.Target));
  const podFiles: MountJSON[] = [
    { Type: "bind", Source: p.sandbox.files.hosts, Target: "/etc/hosts" },
    { Type: "bind", Source: p.sandbox.files.hostname, Target: "/etc/hostname" },
    { Type: "bind", Source: p.sandbox.files.resolvConf, Target: "/etc/resolv.conf" },
  ];
  const hostConfig: HostConfig = {
    NetworkMode: p.sandbox.netnsPath === undefined ? "host" : `ns:${p.sandbox.netnsPath}`,
    RestartPolicy: { Name: "no" },
    Mounts: [...podFiles.filter((f) => !own.has(f.Target ?? "")), ...p.mounts],
    ...resources(c),
    ...(c.securityContext?.privileged === true ? { Privileged: true } : {}),
  };
  const user = userOf(p.pod, c);
  return {
    Image: c.image ?? "",
    Hostname: podHostname(p.pod),
    ...(command !== undefined
      ? { Entrypoint: command, Cmd: args ?? [] }
      : args !== undefined
        ? { Cmd: args }
        : {}),
    ...(c.workingDir !== undefined && c.workingDir !== "" ? { WorkingDir: c.workingDir } : {}),
    Env: [...p.env].map(([k, v]) => `${k}=${v}`),
    ...(user !== undefined ? { User: user } : {}),
    Tty: c.tty === true,
    OpenStdin: c.stdin === true,
    StdinOnce: c.stdinOnce === true,
    Labels: {
      [LABELS.podUid]: podUid(p.pod),
      [LABELS.podName]: m.name ?? "",
      [LABELS.podNamespace]: m.namespace ?? "default",
      [LABELS.containerName]: c.name,
      [LABELS.attempt]: String(p.attempt),
      [LABELS.init]: String(p.init),
    },
    HostConfig: hostConfig,
  };
}

/** limits.memory → Memory; limits.cpu → CFS quota; requests.cpu → shares (the kubelet's conversions). */
export function resources(
  c: PodContainer,
): Pick<HostConfig, "Memory" | "CpuQuota" | "CpuPeriod" | "CpuShares"> {
  const out: Pick<HostConfig, "Memory" | "CpuQuota" | "CpuPeriod" | "CpuShares"> = {};
  const memory = parseQuantity(c.resources?.limits?.memory);
  if (memory !== undefined && memory > 0) out.Memory = Math.ceil(memory);
  const cpuLimit = parseQuantity(c.resources?.limits?.cpu);
  if (cpuLimit !== undefined && cpuLimit > 0) {
    const milli = Math.ceil(cpuLimit * 1000);
    out.CpuPeriod = CFS_PERIOD;
    out.CpuQuota = Math.max(MIN_QUOTA, Math.floor((milli * CFS_PERIOD) / 1000));
  }
  const cpuRequest = parseQuantity(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const milliRequest = cpuRequest === undefined ? 0 : Math.ceil(cpuRequest * 1000);
  out.CpuShares = Math.max(MIN_SHARES, Math.floor((milliRequest * 1024) / 1000));
  return out;
}

/** runAsUser[:runAsGroup], the container's securityContext over the pod's. */
function userOf(pod: KubeObject, c: PodContainer): string | undefined {
  const podSc = podSpec(pod).securityContext;
  const uid = c.securityContext?.runAsUser ?? podSc?.runAsUser;
  const gid = c.securityContext?.runAsGroup ?? podSc?.runAsGroup;
  if (uid === undefined) return undefined;
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}
