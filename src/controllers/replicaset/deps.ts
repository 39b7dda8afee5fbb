// What the ReplicaSet controller's sync, manage and status steps share.
import type { Logger } from "pino";
import type { ResourceApi } from "../../api/client/cluster.js";
import type { Informer } from "../../api/registry/informer.js";
import type { Clock } from "../clock.js";
import type { ControllerEvents } from "../events.js";
import type { Expectations } from "../expectations.js";
import type { WorkQueue } from "../workqueue.js";

export const FIELD_MANAGER = "replicaset-controller";

export interface ReplicaSetDeps {
  replicaSets: ResourceApi;
  pods: ResourceApi;
  rsInformer: Informer;
  podInformer: Informer;
  expectations: Expectations;
  queue: WorkQueue;
  /** SuccessfulCreate / SuccessfulDelete (and their failures) on the ReplicaSet. */
  events: ControllerEvents;
  clock: Clock;
  logger: Logger;
  /** Most pods created or deleted by one sync. */
  burstReplicas: number;
}
