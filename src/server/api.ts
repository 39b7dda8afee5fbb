// The cluster face of `skiff server`: the Kubernetes API. Opens the datastore (SQLite under
// <data-dir>/api, or etcd) behind secret encryption, makes sure the PKI exists, builds the
// resource catalog and the registry, creates the bootstrap objects, serves HTTPS and writes the
// admin kubeconfig. close() stops in the reverse order.
import { chmod, mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { Registry as MetricsRegistry } from "prom-client";
import { Authenticator } from "../api/auth/authenticator.js";
import { bootstrapRbac } from "../api/auth/bootstrap.js";
import { kubeconfigYaml } from "../api/auth/kubeconfig.js";
import { ensurePki } from "../api/auth/pki.js";
import { NodeStreamsResolver } from "../api/node-streams/resolver.js";
import { RbacAuthorizer } from "../api/auth/rbac.js";
import { createApiHandler } from "../api/http/handler.js";
import type { ApiFace } from "../api/http/deps.js";
import { ApiMetrics } from "../api/http/metrics.js";
import { startApiHttpServer } from "../api/http/server.js";
import { applyJsonPatch } from "../api/patch/json-patch.js";
import { applyMergePatch } from "../api/patch/merge-patch.js";
import { applyStrategicMergePatch } from "../api/patch/strategic-merge.js";
import { updateManagedFields } from "../api/patch/managed-fields.js";
import { applyServerSideApply } from "../api/patch/server-side-apply.js";
import { decodeKubeProtobuf } from "../api/protobuf/decode.js";
import type { ClusterClient } from "../api/client/cluster.js";
import type { PodStreamsResolver } from "../api/streams.js";
import { ApiClient, type ClientOptions } from "../api/registry/client.js";
import { ApiRegistry } from "../api/registry/registry.js";
import { RbacCache } from "../api/registry/rbac-source.js";
import { builtinCatalog, type ResourceCatalog } from "../api/resources/catalog.js";
import { ApiError } from "../api/errors.js";
import type { KubeObject } from "../api/types.js";
import { openStore } from "../api/storage/open.js";
import { bootstrapCluster } from "./api-bootstrap.js";
import { DefaultServiceAccounts } from "./api-service-accounts.js";
import { DataPaths } from "./data-dir.js";
import { defaultNodeIp } from "./node-address.js";
import type { ListenAddress } from "./listen-address.js";

export interface ApiConfig {
  listen: ListenAddress;
  /** undefined: SQLite under <data-dir>/api; `etcd://host:port[,...]`: etcd. */
  datastore?: string;
  /** Another place to write the admin kubeconfig to (besides <data-dir>/api/admin.kubeconfig). */
  writeKubeconfig?: string;
  /** tolerationSeconds of the not-ready/unreachable tolerations added to pods (k8s: 300). */
  defaultTolerationSeconds?: { notReady: number; unreachable: number };
  /** More names and addresses for the serving certificate (k3s' --tls-san), e.g. the node IP. */
  tlsSans?: readonly string[];
}

export interface ApiStack {
  /** https://HOST:PORT the API answers on. */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** An in-process client (controllers, scheduler, the local node agent) acting as `user`. */
  client(o: ClientOptions): ClusterClient;
  /** Where `kubectl logs/exec/port-forward` find a node's pods (set once the agent runs). */
  setPodStreams(resolver: PodStreamsResolver): void;
  /** Stops serving (watches are cut after `timeoutMs`), then the registry's loops, then the store. */
  close(timeoutMs: number): Promise<void>;
}

/** Writes `text` to `path` atomically (temp, fsync, rename) with mode 0600. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.tmp-${process.pid}`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * The core/v1 object a token names (its ServiceAccount, or the bootstrap-token Secret of a join
 * token), or undefined when it is gone: its tokens are then void.
 */
async function findCoreObject(
  registry: ApiRegistry,
  catalog: ResourceCatalog,
  resource: "serviceaccounts" | "secrets",
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const def = catalog.get("", "v1", resource);
  if (def === undefined) return undefined;
  try {
    return await registry.get(def, namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.reason === "NotFound") return undefined;
    throw err;
  }
}

export async function startApiStack(o: {
  dataDir: string;
  config: ApiConfig;
  logger: Logger;
  metricsRegistry: MetricsRegistry;
}): Promise<ApiStack> {
  const { dataDir, config, logger } = o;
  const apiDir = DataPaths.api(dataDir);
  await mkdir(apiDir, { recursive: true, mode: 0o700 });

  // Listening everywhere, the API is reached from other machines by this one's address.
  const wildcard = config.listen.host === "0.0.0.0" || config.listen.host === "::";
  const hosts = [wildcard ? await defaultNodeIp() : config.listen.host, ...(config.tlsSans ?? [])];
  const credentials = await ensurePki(DataPaths.apiPki(dataDir), { hosts });
  const store = await openStore(config.datastore, apiDir);
  const catalog = builtinCatalog();
  const registry = new ApiRegistry({
    store,
    catalog,
    logger: logger.child({ part: "registry" }),
    ...(config.defaultTolerationSeconds !== undefined && {
      admission: {
        defaultNotReadyTolerationSeconds: config.defaultTolerationSeconds.notReady,
        defaultUnreachableTolerationSeconds: config.defaultTolerationSeconds.unreachable,
      },
    }),
    patch: {
      applyJsonPatch,
      applyMergePatch,
      applyStrategicMergePatch,
      applyServerSideApply,
      updateManagedFields,
    },
  });
  let rbac: RbacCache | undefined;
  let serviceAccounts: DefaultServiceAccounts | undefined;
  const closeBelowHttp = async (): Promise<void> => {
    rbac?.stop();
    serviceAccounts?.stop();
    await registry.close();
    await store.close();
  };

  try {
    await bootstrapCluster({ registry, catalog, rbac: bootstrapRbac(), logger });
    registry.start();
    serviceAccounts = new DefaultServiceAccounts({
      registry,
      catalog,
      logger: logger.child({ part: "serviceaccounts" }),
    });
    serviceAccounts.start();
    rbac = new RbacCache({ source: registry, catalog, logger: logger.child({ part: "rbac" }) });
    rbac.start();
    const rbacSource = rbac;
    const authenticator = new Authenticator({
      credentials,
      serviceAccounts: {
        serviceAccount: (namespace, name) =>
          findCoreObject(registry, catalog, "serviceaccounts", namespace, name),
      },
      bootstrapTokens: {
        secret: (namespace, name) => findCoreObject(registry, catalog, "secrets", namespace, name),
      },
    });
    const nodeStreams = new NodeStreamsResolver({
      client: new ApiClient(registry, { user: { name: "system:apiserver", groups: ["system:masters"] } }),
      ca: { keyPem: credentials.caKeyPem, certPem: credentials.caPem },
    });
    const face: ApiFace = {
      podStreams: nodeStreams.resolve,
      catalog,
      registry,
      authenticator,
      authorizer: new RbacAuthorizer(rbacSource),
      decodeProtobuf: decodeKubeProtobuf,
      tokens: authenticator,
      serverAddress: `${config.listen.host}:${config.listen.port}`,
    };
    const shutdown = new AbortController();
    const handler = createApiHandler({
      face,
      shutdown: shutdown.signal,
      logger: logger.child({ part: "http" }),
      metrics: new ApiMetrics(o.metricsRegistry),
      metricsRegistry: o.metricsRegistry,
    });
    const server = await startApiHttpServer({
      host: config.listen.host,
      port: config.listen.port,
      tls: credentials,
      handler,
    });
    // Legacy discovery names the address clients reach; with port 0 only now is it known.
    face.serverAddress = new URL(server.url).host;
    const kubeconfig = kubeconfigYaml({
      server: server.url,
      caPem: credentials.caPem,
      token: credentials.adminToken,
    });
    const kubeconfigPath = DataPaths.apiKubeconfig(dataDir);
    await writePrivateFile(kubeconfigPath, kubeconfig);
    if (config.writeKubeconfig !== undefined) await writePrivateFile(config.writeKubeconfig, kubeconfig);
    logger.info(
      {
        url: server.url,
        kubeconfig: config.writeKubeconfig ?? kubeconfigPath,
        datastore: config.datastore ?? "sqlite",
      },
      "api listening",
    );
    return {
      url: server.url,
      kubeconfigPath,
      client: (clientOptions) => new ApiClient(registry, clientOptions),
      setPodStreams: (resolver) => nodeStreams.setLocal(resolver),
      async close(timeoutMs) {
        shutdown.abort();
        await server.close(timeoutMs);
        await closeBelowHttp();
      },
    };
  } catch (err) {
    await closeBelowHttp();
    throw err;
  }
}
