// What the Deployment controller's steps share: the APIs and caches it works through, and the
// Deployment of one sync (replaced by each write's answer, so later writes are not stale).
import type { Logger } from "pino";
import type { ResourceApi } from "../../api/client/cluster.js";
import type { Informer } from "../../api/registry/informer.js";
import type { KubeObject } from "../../api/types.js";
import type { Clock } from "../clock.js";
import type { WorkQueue } from "../workqueue.js";

export const FIELD_MANAGER = "deployment-controller";

export interface DeploymentDeps {
  deployments: ResourceApi;
  replicaSets: ResourceApi;
  events: ResourceApi;
  deploymentInformer: Informer;
  rsInformer: Informer;
  podInformer: Informer;
  queue: WorkQueue;
  clock: Clock;
  logger: Logger;
}

/** One sync of one Deployment. */
export interface SyncState {
  deps: DeploymentDeps;
  /** The Deployment as last read or written in this sync (a private copy). */
  d: KubeObject;
  key: string;
}
