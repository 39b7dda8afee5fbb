// The downward API as environment variables: fieldRef (metadata.name, namespace, uid,
// labels['k'], annotations['k'], spec.nodeName, spec.serviceAccountName, status.podIP(s),
// status.hostIP(s)) and resourceFieldRef (limits/requests.cpu/memory/ephemeral-storage over a
// divisor, rounded up; a missing limit is the node's allocatable), as the kubelet resolves them.
import type { KubeObject } from "../api/types.js";
import { parseQuantity } from "../api/resources/quantity.js";
import { ContainerStartFailure } from "./pod-runtime.js";
import { podSpec, type PodContainer, type Quantity } from "./runtime-types.js";

/** What a missing limit defaults to: the node's allocatable. */
export interface NodeResources {
  cpu: number; // cores
  memory: number; // bytes
  ephemeralStorage?: number;
}

function fail(message: string): ContainerStartFailure {
  return new ContainerStartFailure("CreateContainerConfigError", message);
}

export function envFieldValue(pod: KubeObject, path: string, ips: { podIP: string; hostIP: string }): string {
  const meta = pod.metadata;
  const spec = podSpec(pod);
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (subscript !== null) {
    const map = subscript[1] === "labels" ? meta.labels : meta.annotations;
    return map?.[subscript[2] ?? ""] ?? "";
  }
  switch (path) {
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "default";
    case "metadata.uid":
      return meta.uid ?? "";
    case "metadata.labels":
      return formatMap(meta.labels);
    case "metadata.annotations":
      return formatMap(meta.annotations);
    case "spec.nodeName":
      return spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return spec.serviceAccountName ?? "";
    case "status.podIP":
    case "status.podIPs":
      return ips.podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return ips.hostIP;
    default:
      throw fail(`unsupported fieldPath: ${path}`);
  }
}

/** `k="v"` lines sorted by key, as the downward API formats a whole map. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? "")}`)
    .join("\n");
}

export function envResourceValue(
  pod: KubeObject,
  self: PodContainer,
  ref: { resource: string; containerName?: string; divisor?: Quantity },
  node: NodeResources,
): string {
  const container =
    ref.containerName !== undefined && ref.containerName !== ""
      ? [...podSpec(pod).containers, ...(podSpec(pod).initContainers ?? [])].find(
          (c) => c.name === ref.containerName,
        )
      : self;
  if (container === undefined) throw fail(`container ${ref.containerName ?? ""} not found`);
  const [kind = "", resource = ""] = ref.resource.split(".", 2);
  if (
    (kind !== "limits" && kind !== "requests") ||
    !["cpu", "memory", "ephemeral-storage"].includes(resource)
  )
    throw fail(`unsupported container resource : ${ref.resource}`);
  const set = container.resources?.[kind]?.[resource];
  let value = set === undefined ? undefined : parseQuantity(set);
  if (value === undefined) {
    if (kind === "requests") value = 0;
    else
      value =
        resource === "cpu" ? node.cpu : resource === "memory" ? node.memory : (node.ephemeralStorage ?? 0);
  }
  const divisor = parseQuantity(ref.divisor ?? "1") ?? 1;
  if (resource === "cpu") {
    // In millicores, as the kubelet (MilliValue) computes it.
    return String(Math.ceil(Math.round(value * 1000) / Math.max(1, Math.round(divisor * 1000))));
  }
  return String(Math.ceil(value / divisor));
}
