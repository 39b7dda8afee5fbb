// Kubernetes' ServiceAccount controller, reduced to what a cluster needs from the first minute:
// every namespace gets its `default` ServiceAccount (pods and `kubectl create token default`
// rely on it). It runs on an informer over namespaces, so namespaces created at any time, or
// whose account was deleted, are covered after a restart too.
import type { Logger } from "pino";
import type { ApiRegistry } from "../api/registry/registry.js";
import { Informer } from "../api/registry/informer.js";
import type { ResourceCatalog } from "../api/resources/catalog.js";
import { ensureDefaultServiceAccount } from "./api-bootstrap.js";

export class DefaultServiceAccounts {
  readonly #informer: Informer | undefined;

  constructor(o: { registry: ApiRegistry; catalog: ResourceCatalog; logger: Logger }) {
    const def = o.catalog.get("", "v1", "namespaces");
    this.#informer = def && new Informer({ source: o.registry, def, logger: o.logger });
    this.#informer?.onChange((type, ns) => {
      if (type === "DELETED") return;
      ensureDefaultServiceAccount(o.registry, o.catalog, ns).catch((err: unknown) =>
        o.logger.warn({ err, namespace: ns.metadata.name }, "cannot create the default ServiceAccount"),
      );
    });
  }

  start(): void {
    this.#informer?.start();
  }

  stop(): void {
    this.#informer?.stop();
  }
}
