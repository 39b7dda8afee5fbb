// The nodes' pull credential for Skiff's own registry, published as the Secret
// kube-system/skiff-registry-nodes (kubernetes.io/dockerconfigjson) and renewed long before its
// token expires. Joined nodes read it with their node identity, so pods pull from Skiff's
// registry with no imagePullSecrets — as EC2 instances pull from ECR through their instance role.
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import { ApiError } from "../api/errors.js";
import type { KubeObject } from "../api/types.js";
import { NODE_REGISTRY_SECRET, NODE_REGISTRY_USER } from "../agent/cluster-registry.js";

/** Login tokens live 12 h; a fresh one is published every 4 h. */
const RENEW_EVERY_MS = 4 * 60 * 60 * 1000;
const RETRY_MS = 30_000;

const WILDCARD_HOSTS = new Set(["0.0.0.0", "[::]", "::"]);

/**
 * The `host:port` names other nodes can reach the registry by: its listen address, or the
 * node's IP when it listens on every address (127.0.0.1 reaches only this machine).
 */
export function advertisedRegistryHosts(registryUrl: string, nodeIP: string): string[] {
  const url = new URL(registryUrl);
  if (WILDCARD_HOSTS.has(url.hostname)) return [`${nodeIP}:${url.port}`];
  return [url.host];
}

export function nodeRegistrySecret(hosts: readonly string[], token: string): KubeObject {
  const auth = Buffer.from(`${NODE_REGISTRY_USER}:${token}`).toString("base64");
  const auths = Object.fromEntries(
    hosts.map((h) => [h, { username: NODE_REGISTRY_USER, password: token, auth }]),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      namespace: NODE_REGISTRY_SECRET.namespace,
      name: NODE_REGISTRY_SECRET.name,
      labels: { "app.kubernetes.io/managed-by": "skiff" },
    },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") },
  };
}

/** Writes the Secret (create, or replace what is there). */
async function publish(client: ClusterClient, secret: KubeObject): Promise<void> {
  const secrets = client.resource({ apiVersion: "v1", kind: "Secret" });
  const current = await secrets.find(NODE_REGISTRY_SECRET.namespace, NODE_REGISTRY_SECRET.name);
  if (current === undefined) {
    await secrets.create(secret);
    return;
  }
  await secrets.update({
    ...secret,
    metadata: { ...secret.metadata, resourceVersion: current.metadata.resourceVersion },
  });
}

/** Publishes now, then renews on a timer until `close`. */
export async function startNodeRegistrySecret(o: {
  client: ClusterClient;
  hosts: readonly string[];
  token: () => Promise<string>;
  logger: Logger;
}): Promise<{ close(): void }> {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const round = async (): Promise<void> => {
    let next = RENEW_EVERY_MS;
    try {
      await publish(o.client, nodeRegistrySecret(o.hosts, await o.token()));
      o.logger.debug({ hosts: o.hosts }, "published the nodes' registry credential");
    } catch (err) {
      next = RETRY_MS;
      const level = err instanceof ApiError ? "warn" : "error";
      o.logger[level]({ err }, "could not publish the nodes' registry credential; retrying");
    }
    if (!closed) timer = setTimeout(() => void round(), next).unref();
  };
  await round();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
