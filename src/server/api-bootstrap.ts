// What a fresh cluster holds before anyone writes to it, as Kubernetes creates it at start: the
// system namespaces and the bootstrap RBAC roles and bindings (at every start; objects that
// exist are left as they are), and the `default` ServiceAccount a namespace gets.
import type { Logger } from "pino";
import { ApiError } from "../api/errors.js";
import { parseApiVersion, type KubeObject } from "../api/types.js";
import type { HttpCatalog, HttpRegistry, UserInfo } from "../api/http/deps.js";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

const SYSTEM_USER: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };

interface Catalog extends HttpCatalog {
  byKind(gvk: { group: string; version: string; kind: string }): ReturnType<HttpCatalog["get"]>;
}

async function ensure(
  registry: HttpRegistry,
  catalog: Catalog,
  obj: KubeObject,
  namespace?: string,
): Promise<boolean> {
  const def = catalog.byKind({ ...parseApiVersion(obj.apiVersion), kind: obj.kind });
  if (def === undefined)
    throw new Error(`bootstrap: the catalog does not serve ${obj.apiVersion} ${obj.kind}`);
  try {
    await registry.create(def, namespace, obj, {
      user: SYSTEM_USER,
      dryRun: false,
      fieldManager: "skiff-apiserver",
    });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.reason === "AlreadyExists") return false;
    throw err;
  }
}

export async function bootstrapCluster(o: {
  registry: HttpRegistry;
  catalog: Catalog;
  rbac: KubeObject[];
  logger: Logger;
}): Promise<void> {
  let created = 0;
  for (const name of SYSTEM_NAMESPACES) {
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
    if (await ensure(o.registry, o.catalog, ns)) created++;
  }
  for (const obj of o.rbac) {
    if (await ensure(o.registry, o.catalog, obj, obj.metadata.namespace)) created++;
  }
  if (created > 0) o.logger.info({ created }, "cluster bootstrap objects created");
}

/** Creates the `default` ServiceAccount of a namespace when it has none (and is not going away). */
export async function ensureDefaultServiceAccount(
  registry: HttpRegistry,
  catalog: Catalog,
  namespace: KubeObject,
): Promise<void> {
  const name = namespace.metadata.name ?? "";
  if (name === "" || namespace.metadata.deletionTimestamp !== undefined) return;
  const sa: KubeObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace: name },
  };
  try {
    await ensure(registry, catalog, sa, name);
  } catch (err) {
    // A namespace deleted meanwhile refuses new content: nothing to do.
    if (err instanceof ApiError && (err.reason === "Forbidden" || err.reason === "NotFound")) return;
    throw err;
  }
}
