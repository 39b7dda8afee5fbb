// What the node lifecycle controller's monitor, eviction and pod GC steps share.
import type { Logger } from "pino";
import type { ResourceApi } from "../../api/client/cluster.js";
import type { Informer } from "../../api/registry/informer.js";
import type { Clock } from "../clock.js";
import type { ResolvedNodeLifecycleOptions } from "./options.js";

export const FIELD_MANAGER = "node-lifecycle-controller";

export interface NodeLifecycleDeps {
  nodes: ResourceApi;
  pods: ResourceApi;
  nodeInformer: Informer;
  podInformer: Informer;
  leaseInformer: Informer;
  clock: Clock;
  logger: Logger;
  options: ResolvedNodeLifecycleOptions;
}

export function podsOnNode(d: NodeLifecycleDeps, nodeName: string) {
  return d.podInformer
    .items()
    .filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName);
}
