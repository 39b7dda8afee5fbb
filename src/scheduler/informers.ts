// The scheduler's two list+watch caches (pods, nodes) over the ClusterClient, using the API's
// Informer with a ResourceApi as its source.
import type { Logger } from "pino";
import type { ResourceApi } from "../api/client/cluster.js";
import { Informer } from "../api/registry/informer.js";

export function informerFor(api: ResourceApi, logger: Logger): Informer {
  return new Informer({
    source: {
      list: (_def, namespace, o) => api.list(namespace, o),
      watch: (_def, namespace, o, signal) => api.watch(namespace, o, signal),
    },
    def: api.def,
    logger,
  });
}
