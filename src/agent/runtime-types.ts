// The parts of a core/v1 Pod the engine runtime reads, typed (the API carries pods as plain
// JSON: KubeObject), and the lookups every runtime part needs: the spec, one container by name.
import type { KubeObject } from "../api/types.js";
import { ContainerStartFailure } from "./pod-runtime.js";

export interface KeyRef {
  name?: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: KeyRef;
    secretKeyRef?: KeyRef;
    fieldRef?: { fieldPath: string; apiVersion?: string };
    resourceFieldRef?: { resource: string; containerName?: string; divisor?: string | number };
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export type Quantity = string | number;

export interface PodContainer {
  name: string;
  image?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { limits?: Record<string, Quantity>; requests?: Record<string, Quantity> };
  volumeMounts?: VolumeMount[];
  securityContext?: { runAsUser?: number; runAsGroup?: number; privileged?: boolean };
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface PodVolume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: Quantity };
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  hostPath?: { path: string; type?: string };
}

export interface PodSpec {
  containers: PodContainer[];
  initContainers?: PodContainer[];
  volumes?: PodVolume[];
  nodeName?: string;
  serviceAccountName?: string;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  hostAliases?: Array<{ ip: string; hostnames?: string[] }>;
  imagePullSecrets?: Array<{ name?: string }>;
  securityContext?: { runAsUser?: number; runAsGroup?: number };
}

export interface PodStatus {
  podIP?: string;
  hostIP?: string;
}

export function podSpec(pod: KubeObject): PodSpec {
  const spec = pod.spec as PodSpec | undefined;
  return { ...spec, containers: spec?.containers ?? [] };
}

export function podStatus(pod: KubeObject): PodStatus {
  return (pod.status as PodStatus | undefined) ?? {};
}

export function podUid(pod: KubeObject): string {
  const uid = pod.metadata.uid;
  if (uid === undefined || uid === "") throw new Error(`pod ${pod.metadata.name ?? ""} has no uid`);
  return uid;
}

/** The container (or init container) `name` of the pod; CreateContainerConfigError when absent. */
export function findContainer(pod: KubeObject, name: string): { container: PodContainer; init: boolean } {
  const spec = podSpec(pod);
  const regular = spec.containers.find((c) => c.name === name);
  if (regular !== undefined) return { container: regular, init: false };
  const init = spec.initContainers?.find((c) => c.name === name);
  if (init !== undefined) return { container: init, init: true };
  throw new ContainerStartFailure(
    "CreateContainerConfigError",
    `container ${JSON.stringify(name)} not found in pod ${pod.metadata.name ?? ""}`,
  );
}

/** The pod's hostname as the kubelet sets it: spec.hostname, else the pod name (at most 63 characters). */
export function podHostname(pod: KubeObject): string {
  const spec = podSpec(pod);
  const name =
    spec.hostname !== undefined && spec.hostname !== "" ? spec.hostname : (pod.metadata.name ?? "");
  return name.slice(0, 63).replace(/[-.]+$/, "");
}
