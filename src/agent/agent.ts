// The node agent (the kubelet's job) for one node: registers the Node, heartbeats through its
// Lease, keeps the node status current and runs the pods bound to it through a PodRuntime.
// Used in-process by `skiff server` and over HTTPS by `skiff agent`.
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import { Backoff } from "./backoff.js";
import { realClock, type Clock } from "./clock.js";
import { ContainerStarter } from "./container-start.js";
import { EventRecorder } from "./events.js";
import { NodeLease } from "./lease.js";
import { hostMachine, type Machine } from "./machine.js";
import { NodeLoop } from "./node-loop.js";
import { PodManager } from "./pod-manager.js";
import type { PodRuntime } from "./pod-runtime.js";

export interface NodeAgentOptions {
  client: ClusterClient;
  runtime: PodRuntime;
  nodeName: string;
  nodeIP: string;
  logger: Logger;
  clock?: Clock;
  /** Lease duration (default 40 s) and renewal period (default 10 s). */
  leaseDurationSeconds?: number;
  leaseRenewSeconds?: number;
  /** Node status check period (default 10 s). */
  nodeStatusUpdateSeconds?: number;
  /** Extra node labels (e.g. node-role.kubernetes.io/control-plane). */
  labels?: Record<string, string>;
  /** Annotations on the Node (e.g. the stream endpoint's CA) and the port of that endpoint. */
  annotations?: Record<string, string>;
  kubeletPort?: number;
  /** The machine's facts and pressure checks (default: this host, disk of `dataDir`). */
  machine?: Machine;
  dataDir?: string;
  /** nodeInfo.containerRuntimeVersion, e.g. "skiff://0.1.0". */
  runtimeVersion?: string;
}

export interface NodeAgent {
  /** Stops the agent; pod containers keep running and are adopted by the next agent. */
  close(): Promise<void>;
  /** For PodStreams: current and previous engine container ids of a pod's container. */
  containerIds(podUid: string, name: string): { current?: string; previous?: string };
}

export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const clock = o.clock ?? realClock;
  const logger = o.logger.child({ component: "agent", node: o.nodeName });
  const machine = o.machine ?? hostMachine({ ...(o.dataDir !== undefined && { dataDir: o.dataDir }) });
  const nodeLoop = new NodeLoop({
    client: o.client,
    nodeName: o.nodeName,
    nodeIP: o.nodeIP,
    machine,
    runtimeVersion: o.runtimeVersion ?? "skiff://0.1.0",
    clock,
    logger,
    ...(o.labels && { labels: o.labels }),
    ...(o.annotations && { annotations: o.annotations }),
    ...(o.kubeletPort !== undefined && { kubeletPort: o.kubeletPort }),
    ...(o.nodeStatusUpdateSeconds !== undefined && { updateMs: o.nodeStatusUpdateSeconds * 1000 }),
  });
  const node = await nodeLoop.register();
  const lease = new NodeLease({
    client: o.client,
    node,
    clock,
    logger,
    durationSeconds: o.leaseDurationSeconds ?? 40,
    renewMs: (o.leaseRenewSeconds ?? 10) * 1000,
  });
  await lease.start();
  nodeLoop.start();
  const events = new EventRecorder({ client: o.client, nodeName: o.nodeName, clock, logger });
  const pods = new PodManager({
    nodeName: o.nodeName,
    ctx: {
      runtime: o.runtime,
      pods: o.client.resource({ apiVersion: "v1", kind: "Pod" }),
      events,
      starter: new ContainerStarter({ runtime: o.runtime, events, clock }),
      restartBackoff: new Backoff(),
      clock,
      logger,
      nodeIP: o.nodeIP,
    },
  });
  await pods.start();
  logger.info("node agent started");
  return {
    async close() {
      pods.close();
      lease.stop();
      nodeLoop.stop();
      await events.flush();
    },
    containerIds: (podUid, name) => pods.containerIds(podUid, name),
  };
}
