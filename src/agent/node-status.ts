// The Node object the agent registers and keeps current: capacity and allocatable from the
// machine (allocatable less the kubelet's hard eviction thresholds), nodeInfo, addresses and
// the four conditions with the kubelet's reasons and messages.
import { isObject, listAt, objAt, type JsonObject } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { rfc3339 } from "./clock.js";
import type { MachineFacts, Pressure } from "./machine.js";

export const KUBELET_VERSION = "v1.32.0-skiff";
const MAX_PODS = 110;
const EVICTION_MEMORY = 100 * 1024 * 1024;

export function nodeLabels(nodeName: string, facts: MachineFacts): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": facts.architecture,
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": facts.architecture,
    "kubernetes.io/hostname": nodeName,
    "kubernetes.io/os": "linux",
  };
}

/** The kubelet's port, which Nodes report even when nothing listens there (the server's own node). */
export const DEFAULT_KUBELET_PORT = 10250;

export function newNode(
  nodeName: string,
  facts: MachineFacts,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: nodeName,
      labels: { ...nodeLabels(nodeName, facts), ...labels },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        ...annotations,
      },
    },
    spec: {},
  };
}

export interface NodeStatusInput {
  node: KubeObject;
  facts: MachineFacts;
  pressure: Pressure;
  nodeIP: string;
  runtimeVersion: string;
  kubeletPort?: number;
  now: Date;
}

export function nodeStatus(i: NodeStatusInput): JsonObject {
  const f = i.facts;
  const capacity: Record<string, string> = {
    cpu: String(f.cpus),
    memory: `${Math.floor(f.memoryBytes / 1024)}Ki`,
    pods: String(MAX_PODS),
  };
  const allocatable: Record<string, string> = {
    ...capacity,
    memory: `${Math.floor(Math.max(0, f.memoryBytes - EVICTION_MEMORY) / 1024)}Ki`,
  };
  if (f.storageBytes !== undefined) {
    capacity["ephemeral-storage"] = `${Math.floor(f.storageBytes / 1024)}Ki`;
    allocatable["ephemeral-storage"] = String(Math.floor(f.storageBytes * 0.9));
  }
  const stored = objAt(i.node, "status") ?? {};
  return {
    ...stored,
    capacity,
    allocatable,
    conditions: conditions(i, listAt(stored, "conditions").filter(isObject)),
    addresses: [
      { type: "InternalIP", address: i.nodeIP },
      { type: "Hostname", address: i.node.metadata.name ?? f.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort ?? DEFAULT_KUBELET_PORT } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.systemUUID,
      bootID: f.bootID,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: f.architecture,
    },
  };
}

function conditions(i: NodeStatusInput, old: JsonObject[]): JsonObject[] {
  const now = rfc3339(i.now);
  const cond = (type: string, on: boolean, yes: [string, string], no: [string, string]): JsonObject => {
    const status = on ? "True" : "False";
    const [reason, message] = on ? yes : no;
    const prev = old.find((c) => c.type === type);
    const lastTransitionTime =
      prev?.status === status && typeof prev.lastTransitionTime === "string" ? prev.lastTransitionTime : now;
    return { type, status, lastHeartbeatTime: now, lastTransitionTime, reason, message };
  };
  const p = i.pressure;
  return [
    cond(
      "MemoryPressure",
      p.memory,
      ["KubeletHasInsufficientMemory", "kubelet has insufficient memory available"],
      ["KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
    ),
    cond(
      "DiskPressure",
      p.disk,
      ["KubeletHasDiskPressure", "kubelet has disk pressure"],
      ["KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
    ),
    cond(
      "PIDPressure",
      p.pid,
      ["KubeletHasInsufficientPID", "kubelet has insufficient PID available"],
      ["KubeletHasSufficientPID", "kubelet has sufficient PID available"],
    ),
    cond("Ready", true, ["KubeletReady", "kubelet is posting ready status"], ["KubeletNotReady", ""]),
  ];
}

/** The status without heartbeat times: equal when nothing but the heartbeat changed. */
export function withoutHeartbeats(status: unknown): unknown {
  if (!isObject(status)) return status;
  return {
    ...status,
    conditions: listAt(status, "conditions")
      .filter(isObject)
      .map(({ lastHeartbeatTime: _, ...rest }) => rest),
  };
}
