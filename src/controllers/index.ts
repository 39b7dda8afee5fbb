// The controller manager (kube-controller-manager's job inside `skiff server`): builds every
// controller over one shared informer factory and runs them until stop().
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import { systemClock, type Clock } from "./clock.js";
import type { Controller, ControllerContext } from "./controller.js";
import { InformerFactory } from "./informers.js";
import { ReplicaSetController } from "./replicaset/controller.js";
import { DeploymentController } from "./deployment/controller.js";
import { DaemonSetController } from "./daemonset/controller.js";
import { NodeLifecycleController } from "./nodelifecycle/controller.js";
import type { NodeLifecycleOptions } from "./nodelifecycle/options.js";

export type { Clock } from "./clock.js";
export type { Controller, ControllerContext } from "./controller.js";
export { InformerFactory } from "./informers.js";
export { WorkQueue } from "./workqueue.js";
export { Expectations } from "./expectations.js";
export type { NodeLifecycleOptions } from "./nodelifecycle/options.js";

export interface StartControllersOptions {
  client: ClusterClient;
  logger: Logger;
  clock?: Clock;
  /** Durations of node health checks and taint-based eviction (Kubernetes' defaults otherwise). */
  nodeLifecycle?: NodeLifecycleOptions;
}

export async function startControllers(o: StartControllersOptions): Promise<{ stop(): Promise<void> }> {
  const informers = new InformerFactory({ client: o.client, logger: o.logger });
  const ctx: ControllerContext = {
    client: o.client,
    informers,
    logger: o.logger,
    clock: o.clock ?? systemClock,
  };
  const controllers: Controller[] = [
    new ReplicaSetController(ctx),
    new DeploymentController(ctx),
    new DaemonSetController(ctx),
    new NodeLifecycleController(ctx, o.nodeLifecycle),
  ];
  const abort = new AbortController();
  const runs = controllers.map((c) =>
    c
      .start(abort.signal)
      .catch((err: unknown) => o.logger.error({ err, controller: c.name }, "controller failed")),
  );
  informers.start();
  return {
    async stop() {
      abort.abort();
      informers.stop();
      await Promise.all(runs);
    },
  };
}
