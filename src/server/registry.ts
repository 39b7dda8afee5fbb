// Wires the registry: content store, metadata, auth, services, HTTP face and the schedules
// of garbage collection and lifecycle policies, all under one data directory.
import { chmod, writeFile, rename } from "node:fs/promises";
import { createServer } from "node:http";
import { once } from "node:events";
import type { Logger } from "pino";
import type { Registry as MetricsRegistry } from "prom-client";
import { Authenticator } from "../auth/authenticator.js";
import { Action, Effect, PolicyStore } from "../auth/policy.js";
import { authMigrations } from "../auth/schema.js";
import { loadOrCreateSigningKey } from "../auth/signing-key.js";
import { TokenService } from "../auth/tokens.js";
import { UserStore } from "../auth/users.js";
import { KeyedMutex } from "../content/keyed-mutex.js";
import { LocalContentStore } from "../content/local-store.js";
import { RegistryAccess } from "../registry/access.js";
import { BlobService } from "../registry/blobs.js";
import { GarbageCollector } from "../registry/gc.js";
import { adminApi } from "../registry/http/admin.js";
import { createRegistryApp } from "../registry/http/app.js";
import { LifecycleService } from "../registry/lifecycle-service.js";
import { ManifestService } from "../registry/manifests.js";
import { RegistryMetrics } from "../registry/metrics.js";
import { registryMigrations } from "../registry/sqlite-schema.js";
import { SqliteRegistryMetadata } from "../registry/sqlite-metadata.js";
import { openDatabase } from "../sqlite/open.js";
import { NODE_REGISTRY_USER } from "../agent/cluster-registry.js";
import { DataPaths } from "./data-dir.js";
import { formatUrl, type ListenAddress } from "./listen-address.js";

export interface RegistryConfig {
  dataDir: string;
  listen: ListenAddress;
  /** The flag that set `listen`, for error messages. */
  listenFlag: string;
  maxBlobSize: number;
  gcGraceMs: number;
  gcIntervalMs: number;
  uploadTtlMs: number;
  lifecycleIntervalMs: number;
}

export interface RunningRegistry {
  url: string;
  /**
   * A login token of the cluster's nodes (user `skiff-nodes`, allowed to pull every repository
   * and nothing else): node agents pull pod images with it, as EC2 instances pull from ECR
   * through their instance role, so pods need no pull secret for Skiff's own registry.
   */
  nodePullToken(): Promise<string>;
  /** Stops accepting requests and waits up to `timeoutMs` for those in flight. */
  close(timeoutMs: number): Promise<void>;
}

export class ListenError extends Error {}

/** Writes the first admin credential where only root can read it, atomically. */
async function writeAdminCredentials(dataDir: string, id: string, secret: string): Promise<string> {
  const path = DataPaths.adminCredentials(dataDir);
  const temp = `${path}.tmp-${process.pid}`;
  const text = `# Skiff registry admin credential, created at first start.\nuser=skiff\naccess_key_id=${id}\nsecret=${secret}\n`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

/** Creates the admin user at first start, prints its access key once and saves it. */
async function ensureAdminCredential(users: UserStore, dataDir: string, hostPort: string): Promise<void> {
  const admin = users.ensureAdmin("skiff");
  if (!admin.created) return;
  const path = await writeAdminCredentials(dataDir, admin.key.id, admin.key.secret);
  process.stderr.write(
    `\nSkiff registry: created the admin user "skiff".\n` +
      `  access key id: ${admin.key.id}\n  secret:        ${admin.key.secret}\n` +
      `  (also saved, readable by root only, in ${path})\n` +
      `Log in with: skiff registry login-password --data-dir ${dataDir} | ` +
      `docker login --username skiff --password-stdin ${hostPort}\n\n`,
  );
}

const NODE_PULL_STATEMENT = "skiff-nodes-pull";

/** The nodes' user and its pull-everything statement, made at every start when missing. */
function ensureNodeIdentity(users: UserStore, policies: PolicyStore): void {
  if (!users.getUser(NODE_REGISTRY_USER)) users.createUser(NODE_REGISTRY_USER);
  if (!policies.listStatements().some((s) => s.id === NODE_PULL_STATEMENT)) {
    policies.addStatement({
      id: NODE_PULL_STATEMENT,
      effect: Effect.allow,
      principal: NODE_REGISTRY_USER,
      actions: [Action.pull],
      repository: "**",
    });
  }
}

export async function startRegistry(
  config: RegistryConfig,
  logger: Logger,
  metricsRegistry: MetricsRegistry,
): Promise<RunningRegistry> {
  const { dataDir } = config;
  const content = await LocalContentStore.open(DataPaths.registryContent(dataDir));
  const metadata = new SqliteRegistryMetadata(
    openDatabase(DataPaths.registryDb(dataDir), { migrations: registryMigrations }),
  );
  const authDb = openDatabase(DataPaths.authDb(dataDir), { migrations: authMigrations });
  const users = new UserStore(authDb);
  const policies = new PolicyStore(authDb);
  const tokens = new TokenService({ key: await loadOrCreateSigningKey(dataDir) });
  const authenticator = new Authenticator({ users, tokens });

  const metrics = new RegistryMetrics(metricsRegistry);
  const locks = new KeyedMutex();
  const access = new RegistryAccess({ authenticator, tokens, policies, users });
  const blobs = new BlobService({ metadata, content, locks, maxBlobSize: config.maxBlobSize });
  const manifests = new ManifestService({ metadata, content, locks });
  const gc = new GarbageCollector({
    metadata,
    content,
    locks,
    logger: logger.child({ component: "gc" }),
    metrics,
    graceMs: config.gcGraceMs,
    uploadTtlMs: config.uploadTtlMs,
  });
  const lifecycle = new LifecycleService({
    metadata,
    logger: logger.child({ component: "lifecycle" }),
    metrics,
  });

  const handler = createRegistryApp({
    services: { access, blobs, manifests, metadata },
    tokens,
    logger,
    metrics,
    metricsRegistry,
    prefixes: [
      adminApi({
        access,
        metadata,
        lifecycle,
        gc,
        users,
        policies,
        abortUploads: async (repository) => {
          for (const upload of metadata.listUploads().filter((u) => u.repository === repository)) {
            await content.abort(upload.id);
          }
        },
      }),
    ],
  });
  // Large layers take long: only idle keep-alive connections and slow headers are timed out.
  const server = createServer(
    { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 },
    handler,
  );

  try {
    server.listen(config.listen.port, config.listen.host);
    await once(server, "listening");
  } catch (err) {
    metadata.close();
    authDb.close();
    const code = (err as NodeJS.ErrnoException).code;
    const where = formatUrl(config.listen).replace("http://", "");
    const hint =
      code === "EADDRINUSE"
        ? "address already in use: is another registry running? stop it or pick another address with ${config.listenFlag}"
        : code === "EACCES"
          ? "permission denied: ports below 1024 need root"
          : (code ?? (err as Error).message);
    throw new ListenError(`registry: cannot listen on ${where}: ${hint}`);
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.listen.port;
  const url = formatUrl({ host: config.listen.host, port });
  // Only once the port is ours (a failed first start must not use up the one-time
  // printout), and before "listening" so whoever waits for that line has seen it.
  await ensureAdminCredential(users, dataDir, url.replace("http://", ""));
  ensureNodeIdentity(users, policies);
  logger.info({ url, dataDir }, "registry listening");

  const timers = [
    setInterval(
      () => void gc.run().catch((err: unknown) => logger.error({ err }, "garbage collection failed")),
      config.gcIntervalMs,
    ),
    setInterval(() => lifecycle.applyAll(), config.lifecycleIntervalMs),
  ];
  timers.forEach((t) => t.unref());

  return {
    url,
    nodePullToken: () => tokens.issueLoginToken(NODE_REGISTRY_USER),
    async close(timeoutMs) {
      timers.forEach((t) => clearInterval(t));
      // Uploads still running after the timeout are cut; their bytes stay on disk and the
      // client resumes them (GET the upload for its offset) once the server is back.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(force);
      metadata.close();
      authDb.close();
    },
  };
}
