// Finding where a pod's streams come from, with the answers of Kubernetes' pod REST when they
// cannot: the pod (404), its container (400, as validateContainer words it), its node (400
// when unassigned) and that node's PodStreams (404 when the node is unknown or unreachable).
import { ApiError, badRequest, notFound } from "../../errors.js";
import type { KubeObject } from "../../types.js";
import type { PodStreams } from "../../streams.js";
import type { ApiFace } from "../deps.js";

export interface PodTarget {
  pod: KubeObject;
  streams: PodStreams;
}

function names(pod: KubeObject, list: string): string[] {
  const spec = pod.spec as Record<string, unknown> | undefined;
  const items = spec?.[list];
  if (!Array.isArray(items)) return [];
  return items.map((c) => (c as { name?: unknown }).name).filter((n): n is string => typeof n === "string");
}

/** The container a request means: the one named (which must exist) or the pod's only one. */
export function resolveContainer(pod: KubeObject, container: string | undefined): string {
  const name = pod.metadata.name ?? "";
  const containers = names(pod, "containers");
  if (container === undefined || container === "") {
    if (containers.length === 1) return containers[0] as string;
    if (containers.length === 0) throw badRequest(`the pod ${name} has no containers`);
    const init = names(pod, "initContainers");
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(" ")}]`;
    throw badRequest(message);
  }
  const all = [...containers, ...names(pod, "initContainers"), ...names(pod, "ephemeralContainers")];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export function nodeNameOf(pod: KubeObject): string {
  const nodeName = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof nodeName === "string" ? nodeName : "";
}

export async function getPod(face: ApiFace, namespace: string, name: string): Promise<KubeObject> {
  const def = face.catalog.get("", "v1", "pods");
  if (def === undefined) throw notFound("", "pods", name);
  return face.registry.get(def, namespace, name);
}

/** The PodStreams of the pod's node; errors when the pod is not bound or the node is unknown. */
export function streamsOf(face: ApiFace, pod: KubeObject): PodStreams {
  const nodeName = nodeNameOf(pod);
  if (nodeName === "") throw badRequest(`pod ${pod.metadata.name ?? ""} does not have a host assigned`);
  const streams = face.podStreams?.(nodeName);
  if (streams === undefined) {
    throw new ApiError("NotFound", `nodes "${nodeName}" not found`, { name: nodeName, kind: "nodes" });
  }
  return streams;
}
