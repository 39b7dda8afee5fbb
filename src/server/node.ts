// A node of the cluster: the node agent over the engine's containers, and the PodStreams that
// `kubectl logs/exec/port-forward` reach it by. `startNodeStack` is shared by `skiff server`
// (the local node, an in-process client of the API) and `skiff agent` (a remote node, an HTTPS
// client); `startLocalNode` is the former's wiring.
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import type { PodStreams } from "../api/streams.js";
import { startNodeAgent } from "../agent/agent.js";
import { EnginePodRuntime, type CredentialsFor } from "../agent/pod-runtime-engine.js";
import { NODE_REGISTRY_USER } from "../agent/cluster-registry.js";
import { createStreamServer } from "../agent/stream-server.js";
import { AgentPodStreams } from "../agent/streams.js";
import { STREAM_CA_ANNOTATION } from "../api/node-streams/protocol.js";
import type { ApiStack } from "./api.js";
import type { EngineServices } from "./engine.js";
import { defaultNodeIp, defaultNodeName } from "./node-address.js";
import type { RunningRegistry } from "./registry.js";

export interface NodeStack {
  readonly nodeName: string;
  readonly streams: PodStreams;
  /** Stops the agent; the pods' containers keep running and the next start adopts them. */
  close(): Promise<void>;
}

export async function startNodeStack(o: {
  dataDir: string;
  engine: EngineServices;
  client: ClusterClient;
  nodeName: string;
  nodeIP: string;
  credentialsFor?: CredentialsFor;
  /** The node Lease's duration; renewed every quarter of it (the kubelet's rule). */
  leaseDurationSeconds?: number;
  /**
   * Serve logs/exec/port-forward to the API server on nodeIP:port (a joined node; the server's
   * own node is reached in process), admitting client certificates of `clusterCaPem`.
   */
  streamEndpoint?: { port: number; clusterCaPem: string };
  logger: Logger;
}): Promise<NodeStack> {
  const endpoint =
    o.streamEndpoint &&
    (await createStreamServer({
      host: o.nodeIP,
      port: o.streamEndpoint.port,
      clusterCaPem: o.streamEndpoint.clusterCaPem,
      logger: o.logger.child({ part: "streams" }),
    }));
  const runtime = new EnginePodRuntime({
    containers: o.engine.containers,
    network: o.engine.network,
    images: o.engine.images,
    client: o.client,
    dataDir: o.dataDir,
    nodeName: o.nodeName,
    nodeIP: o.nodeIP,
    credentialsFor: o.credentialsFor ?? (() => Promise.resolve(undefined)),
    logger: o.logger.child({ part: "pod-runtime" }),
  });
  const agent = await startNodeAgent({
    client: o.client,
    runtime,
    nodeName: o.nodeName,
    nodeIP: o.nodeIP,
    dataDir: o.dataDir,
    ...(endpoint && { annotations: { [STREAM_CA_ANNOTATION]: endpoint.caPem }, kubeletPort: endpoint.port }),
    ...(o.leaseDurationSeconds !== undefined && {
      leaseDurationSeconds: o.leaseDurationSeconds,
      leaseRenewSeconds: o.leaseDurationSeconds / 4,
    }),
    logger: o.logger,
  });
  const streams = new AgentPodStreams({
    containers: o.engine.containers,
    locate: (pod, container) => agent.containerIds(pod.metadata.uid ?? "", container),
  });
  try {
    await endpoint?.listen(streams);
  } catch (err) {
    await agent.close();
    throw err;
  }
  o.logger.info({ node: o.nodeName, ip: o.nodeIP }, "node agent running");
  return {
    nodeName: o.nodeName,
    streams,
    async close() {
      await endpoint?.close();
      await agent.close();
    },
  };
}

/** The node agent of `skiff server` itself: this machine as a Node of its own cluster. */
export async function startLocalNode(o: {
  dataDir: string;
  api: ApiStack;
  engine: EngineServices;
  registry: RunningRegistry;
  config: { nodeName?: string; nodeIp?: string; nodeLeaseDurationSeconds?: number };
  logger: Logger;
}): Promise<NodeStack> {
  const nodeName = o.config.nodeName ?? defaultNodeName();
  const nodeIP = o.config.nodeIp ?? (await defaultNodeIp());
  const node = await startNodeStack({
    dataDir: o.dataDir,
    engine: o.engine,
    client: o.api.client({
      user: { name: `system:node:${nodeName}`, groups: ["system:nodes", "system:authenticated"] },
      fieldManager: "kubelet",
    }),
    nodeName,
    nodeIP,
    credentialsFor: ownRegistryCredentials(o.registry, nodeIP),
    ...(o.config.nodeLeaseDurationSeconds !== undefined && {
      leaseDurationSeconds: o.config.nodeLeaseDurationSeconds,
    }),
    logger: o.logger,
  });
  o.api.setPodStreams((name) => (name === nodeName ? node.streams : undefined));
  return node;
}

/**
 * Pulls from Skiff's own registry go with the nodes' identity (as EC2 instances pull from ECR
 * with their instance role); other registries get nothing here, so imagePullSecrets apply.
 */
function ownRegistryCredentials(registry: RunningRegistry, nodeIP: string): CredentialsFor {
  const own = new URL(registry.url);
  const hosts = new Set([
    own.host,
    `localhost:${own.port}`,
    `127.0.0.1:${own.port}`,
    `${nodeIP}:${own.port}`,
  ]);
  return async (host) =>
    hosts.has(host) ? { username: NODE_REGISTRY_USER, password: await registry.nodePullToken() } : undefined;
}
