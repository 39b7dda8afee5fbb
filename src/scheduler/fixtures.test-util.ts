// Test builders: Pod and Node objects as the API stores them, and their parsed scheduler views.
import type { KubeObject } from "../api/types.js";
import { NodeInfo } from "./node-info.js";
import { podInfo } from "./pod-info.js";
import type { PodInfo } from "./types.js";

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  requests?: Record<string, string>;
  hostPorts?: number[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  priority?: number;
  schedulerName?: string;
  phase?: string;
  uid?: string;
}

export function podObject(name: string, o: PodOptions = {}): KubeObject {
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu !== undefined) requests["cpu"] = o.cpu;
  if (o.memory !== undefined) requests["memory"] = o.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: o.namespace ?? "default", uid: o.uid ?? `uid-${name}` },
    spec: {
      containers: [
        {
          name: "c",
          image: "busybox",
          ...(Object.keys(requests).length > 0 && { resources: { requests } }),
          ...(o.hostPorts !== undefined && {
            ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p, protocol: "TCP" })),
          }),
        },
      ],
      ...(o.nodeName !== undefined && { nodeName: o.nodeName }),
      ...(o.nodeSelector !== undefined && { nodeSelector: o.nodeSelector }),
      ...(o.affinity !== undefined && { affinity: o.affinity }),
      ...(o.tolerations !== undefined && { tolerations: o.tolerations }),
      ...(o.priority !== undefined && { priority: o.priority }),
      schedulerName: o.schedulerName ?? "default-scheduler",
    },
    status: { phase: o.phase ?? "Pending" },
  };
}

export function pod(name: string, o: PodOptions = {}): PodInfo {
  return podInfo(podObject(name, o));
}

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
}

export function nodeObject(name: string, o: NodeOptions = {}): KubeObject {
  const allocatable = { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: o.pods ?? "110", ...o.extra };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: {
      ...(o.taints !== undefined && { taints: o.taints }),
      ...(o.unschedulable !== undefined && { unschedulable: o.unschedulable }),
    },
    status: { capacity: allocatable, allocatable },
  };
}

export function node(name: string, o: NodeOptions = {}, pods: PodInfo[] = []): NodeInfo {
  const info = new NodeInfo(name);
  info.setNode(nodeObject(name, o));
  for (const p of pods) info.addPod(p);
  return info;
}
