// What a fresh cluster holds before anyone writes to it, as Kubernetes creates it at start: the
// system namespaces, the bootstrap RBAC roles and bindings, and a `default` ServiceAccount in
// every namespace. Run at every start; objects that exist are left as they are.
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
  // Kubernetes' ServiceAccount controller keeps one `default` per namespace; at start we make
  // sure every existing namespace has one (namespaces created later get theirs from the
  // controllers of issue 5).
  const nsDef = o.catalog.get("", "v1", "namespaces");
  if (nsDef !== undefined) {
    const namespaces = await o.registry.list(nsDef, undefined, {});
    for (const ns of namespaces.items) {
      const name = ns.metadata.name ?? "";
      if (ns.metadata.deletionTimestamp !== undefined || name === "") continue;
      const sa: KubeObject = {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "default", namespace: name },
      };
      if (await ensure(o.registry, o.catalog, sa, name)) created++;
    }
  }
  if (created > 0) o.logger.info({ created }, "cluster bootstrap objects created");
}
