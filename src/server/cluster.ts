// The control plane of `skiff server` beside the API: the controller manager and the scheduler,
// each an in-process client of the API under its own identity and field manager, as
// kube-controller-manager and kube-scheduler are clients of kube-apiserver.
import type { Logger } from "pino";
import { startControllers } from "../controllers/index.js";
import { Scheduler } from "../scheduler/index.js";
import type { ApiStack } from "./api.js";

export interface ControlPlaneConfig {
  /** How long a node's Lease may go unrenewed before the node is NotReady (k8s: 40 s). */
  nodeMonitorGracePeriodMs: number;
}

export interface ControlPlane {
  close(): Promise<void>;
}

export async function startControlPlane(o: {
  api: ApiStack;
  config: ControlPlaneConfig;
  logger: Logger;
}): Promise<ControlPlane> {
  const controllers = await startControllers({
    client: o.api.client({
      user: { name: "system:kube-controller-manager", groups: ["system:masters"] },
      fieldManager: "kube-controller-manager",
    }),
    logger: o.logger.child({ part: "controllers" }),
  });
  const stopScheduler = new AbortController();
  const scheduler = new Scheduler({
    client: o.api.client({
      user: { name: "system:kube-scheduler", groups: ["system:masters"] },
      fieldManager: "default-scheduler",
    }),
    logger: o.logger.child({ part: "scheduler" }),
  });
  const running = scheduler
    .start(stopScheduler.signal)
    .catch((err: unknown) => o.logger.error({ err }, "scheduler failed"));
  return {
    async close() {
      stopScheduler.abort();
      await running;
      await controllers.stop();
    },
  };
}
