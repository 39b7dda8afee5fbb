// The control plane of `skiff server` beside the API: the controller manager and the scheduler,
// each an in-process client of the API under its own identity and field manager, as
// kube-controller-manager and kube-scheduler are clients of kube-apiserver. Also publishes the
// nodes' credential for Skiff's own registry (node-registry-secret.ts).
import type { Logger } from "pino";
import { startControllers } from "../controllers/index.js";
import { Scheduler } from "../scheduler/index.js";
import type { ApiStack } from "./api.js";
import { defaultNodeIp } from "./node-address.js";
import { advertisedRegistryHosts, startNodeRegistrySecret } from "./node-registry-secret.js";
import type { RunningRegistry } from "./registry.js";

export interface ControlPlaneConfig {
  /** Run the controllers (`--no-controllers`: another controller manager does, or none). */
  controllers: boolean;
  /** Run the scheduler (`--no-scheduler`). */
  scheduler: boolean;
  /** How long a node's Lease may go unrenewed before the node is NotReady (k8s: 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** This machine's node IP (default: the address of the default route). */
  nodeIp?: string;
}

export interface ControlPlane {
  close(): Promise<void>;
}

export async function startControlPlane(o: {
  api: ApiStack;
  config: ControlPlaneConfig;
  registry: RunningRegistry;
  logger: Logger;
}): Promise<ControlPlane> {
  // Each part acts under its own identity and field manager, as Kubernetes' components do.
  const clientAs = (user: string, fieldManager: string) =>
    o.api.client({ user: { name: user, groups: ["system:masters"] }, fieldManager });
  const registrySecret = await startNodeRegistrySecret({
    client: clientAs("system:kube-controller-manager", "skiff-server"),
    hosts: advertisedRegistryHosts(o.registry.url, o.config.nodeIp ?? (await defaultNodeIp())),
    token: () => o.registry.nodePullToken(),
    logger: o.logger.child({ part: "node-registry-secret" }),
  });
  const controllers = o.config.controllers
    ? await startControllers({
        client: clientAs("system:kube-controller-manager", "kube-controller-manager"),
        logger: o.logger.child({ part: "controllers" }),
        nodeLifecycle: {
          gracePeriodMs: o.config.nodeMonitorGracePeriodMs,
          // Checked at least twice per grace period, so a shortened one is honoured (k8s: every 5 s).
          monitorPeriodMs: Math.min(5_000, Math.max(250, o.config.nodeMonitorGracePeriodMs / 2)),
        },
      })
    : undefined;
  const stopScheduler = new AbortController();
  const running = o.config.scheduler
    ? new Scheduler({
        client: clientAs("system:kube-scheduler", "default-scheduler"),
        logger: o.logger.child({ part: "scheduler" }),
      })
        .start(stopScheduler.signal)
        .catch((err: unknown) => o.logger.error({ err }, "scheduler failed"))
    : undefined;
  return {
    async close() {
      registrySecret.close();
      stopScheduler.abort();
      await running;
      await controllers?.stop();
    },
  };
}
