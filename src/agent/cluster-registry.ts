// A joined node's access to the cluster's own registry: the hosts and the pull credential that
// the server publishes in kube-system/skiff-registry-nodes, read with the node's identity and
// refreshed when it grows old (the server renews the token every few hours).
import type { ClusterClient } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import type { RegistryCredentials } from "../images/registry-client/auth.js";
import type { CredentialsFor } from "./runtime-images.js";
import { dockerConfigEntries, pullCredentials } from "./runtime-pull-secrets.js";

export const NODE_REGISTRY_SECRET = { namespace: "kube-system", name: "skiff-registry-nodes" } as const;
/** The registry user whose login tokens the Secret carries (may pull every repository). */
export const NODE_REGISTRY_USER = "skiff-nodes";

const REFRESH_AFTER_MS = 10 * 60 * 1000;

export interface ClusterRegistry {
  /** `host:port` of the cluster's registry as this node reaches it (plain HTTP). */
  readonly hosts: readonly string[];
  readonly credentialsFor: CredentialsFor;
}

async function readSecret(client: ClusterClient): Promise<KubeObject | undefined> {
  return client
    .resource({ apiVersion: "v1", kind: "Secret" })
    .find(NODE_REGISTRY_SECRET.namespace, NODE_REGISTRY_SECRET.name);
}

/** Reads the Secret once (none: a server without a registry, and nothing is added). */
export async function clusterRegistry(
  client: ClusterClient,
  now: () => number = Date.now,
): Promise<ClusterRegistry> {
  let secret = await readSecret(client);
  let readAt = now();
  const hosts = secret === undefined ? [] : dockerConfigEntries(secret).map(([host]) => host);
  const own = new Set(hosts);
  const credentialsFor: CredentialsFor = async (host): Promise<RegistryCredentials | undefined> => {
    if (!own.has(host)) return undefined;
    if (secret === undefined || now() - readAt > REFRESH_AFTER_MS) {
      secret = (await readSecret(client)) ?? secret;
      readAt = now();
    }
    if (secret === undefined) return undefined;
    return pullCredentials([secret], { domain: host, path: "" })[0];
  };
  return { hosts, credentialsFor };
}
