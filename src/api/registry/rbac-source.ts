// The RBAC objects auth/'s authorizer reads, from informers over the registry: Roles and
// RoleBindings per namespace, ClusterRoles and ClusterRoleBindings; and ServiceAccounts for the
// authenticator.
import type { Logger } from "pino";
import type { KubeObject } from "../types.js";
import type { ResourceCatalog } from "./deps.js";
import { Informer, type ListWatcher } from "./informer.js";

const GROUP = "rbac.authorization.k8s.io";

type RbacResource = "roles" | "rolebindings" | "clusterroles" | "clusterrolebindings" | "serviceaccounts";

export interface RbacSource {
  clusterRoles(): Promise<KubeObject[]>;
  clusterRoleBindings(): Promise<KubeObject[]>;
  roles(namespace: string): Promise<KubeObject[]>;
  roleBindings(namespace: string): Promise<KubeObject[]>;
  clusterRole(name: string): Promise<KubeObject | undefined>;
  role(namespace: string, name: string): Promise<KubeObject | undefined>;
}

/** ServiceAccounts, for the authenticator's check that a token's account still exists. */
export interface ServiceAccountSource {
  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined>;
}

export class RbacCache implements RbacSource, ServiceAccountSource {
  readonly #informers: Record<RbacResource, Informer | undefined>;

  constructor(o: { source: ListWatcher; catalog: ResourceCatalog; logger: Logger }) {
    const make = (resource: string, group = GROUP): Informer | undefined => {
      const def = o.catalog.get(group, "v1", resource);
      return def && new Informer({ source: o.source, def, logger: o.logger });
    };
    this.#informers = {
      roles: make("roles"),
      rolebindings: make("rolebindings"),
      clusterroles: make("clusterroles"),
      clusterrolebindings: make("clusterrolebindings"),
      serviceaccounts: make("serviceaccounts", ""),
    };
  }

  start(): void {
    for (const i of Object.values(this.#informers)) i?.start();
  }

  stop(): void {
    for (const i of Object.values(this.#informers)) i?.stop();
  }

  async #items(which: RbacResource): Promise<KubeObject[]> {
    const informer = this.#informers[which];
    if (!informer) return [];
    await informer.synced;
    return informer.items();
  }

  clusterRoles(): Promise<KubeObject[]> {
    return this.#items("clusterroles");
  }

  clusterRoleBindings(): Promise<KubeObject[]> {
    return this.#items("clusterrolebindings");
  }

  async roles(namespace: string): Promise<KubeObject[]> {
    return (await this.#items("roles")).filter((r) => r.metadata.namespace === namespace);
  }

  async roleBindings(namespace: string): Promise<KubeObject[]> {
    return (await this.#items("rolebindings")).filter((r) => r.metadata.namespace === namespace);
  }

  clusterRole(name: string): Promise<KubeObject | undefined> {
    return this.#one("clusterroles", undefined, name);
  }

  role(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.#one("roles", namespace, name);
  }

  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.#one("serviceaccounts", namespace, name);
  }

  async #one(
    which: RbacResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    const informer = this.#informers[which];
    if (!informer) return undefined;
    await informer.synced;
    return informer.get(namespace, name);
  }
}
