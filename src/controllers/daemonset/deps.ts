// What the DaemonSet controller's sync steps share.
import type { Logger } from "pino";
import type { ResourceApi } from "../../api/client/cluster.js";
import type { Informer } from "../../api/registry/informer.js";
import type { Clock } from "../clock.js";
import type { ControllerEvents } from "../events.js";
import type { Expectations } from "../expectations.js";
import type { WorkQueue } from "../workqueue.js";

export const FIELD_MANAGER = "daemonset-controller";

export interface DaemonSetDeps {
  daemonSets: ResourceApi;
  pods: ResourceApi;
  revisions: ResourceApi;
  dsInformer: Informer;
  podInformer: Informer;
  nodeInformer: Informer;
  revisionInformer: Informer;
  expectations: Expectations;
  queue: WorkQueue;
  /** SuccessfulCreate / SuccessfulDelete (and their failures) on the DaemonSet. */
  events: ControllerEvents;
  clock: Clock;
  logger: Logger;
}
