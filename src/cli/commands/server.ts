// `skiff server` and `skiff registry serve`: the long-running processes.
import { setFlagsFromString } from "node:v8";
import { InvalidArgumentError, Option, type Command } from "commander";
import { parseListenAddress } from "../../server/listen-address.js";
import { LOG_LEVELS, type LogLevel } from "../../server/logger.js";
import { runServer, type ServerConfig } from "../../server/run.js";
import { insecureRegistryOption } from "../insecure-registry-option.js";
import { nodeLeaseDurationOption } from "../node-lease-option.js";
import { parseDuration, parseSize } from "../units.js";

export const DEFAULT_DATA_DIR = "/var/lib/skiff";
export const DEFAULT_REGISTRY_LISTEN = "127.0.0.1:5000";
export const DEFAULT_ENGINE_SOCKET = "/run/skiff/engine.sock";
export const DEFAULT_EXEC_ROOT = "/run/skiff";
export const DEFAULT_BRIDGE_NAME = "skiff0";
export const DEFAULT_BRIDGE_SUBNET = "10.89.0.0/16";
export const DEFAULT_API_LISTEN = "127.0.0.1:6443";

interface ServeFlags {
  dataDir: string;
  listen: string;
  logLevel: LogLevel;
  maxBlobSize: string;
  gcGrace: string;
  gcInterval: string;
  uploadTtl: string;
  lifecycleInterval: string;
  shutdownTimeout: string;
}

interface ApiFlags {
  api: boolean;
  apiListen: string;
  tlsSan: string[];
  datastore?: string;
  writeKubeconfig?: string;
}

interface ClusterFlags {
  agent: boolean;
  controllers: boolean;
  scheduler: boolean;
  nodeName?: string;
  nodeIp?: string;
  nodeMonitorGracePeriod: string;
  nodeLeaseDurationSeconds: number;
  defaultNotReadyTolerationSeconds: string;
  defaultUnreachableTolerationSeconds: string;
}

interface EngineFlags {
  engine: boolean;
  engineSocket: string;
  execRoot: string;
  bridgeName: string;
  bridgeSubnet: string;
  insecureRegistry: string[];
}

/** Options shared by every command that runs the registry. */
function addRegistryServerOptions(command: Command, listenFlag: string, listenEnv: string): Command {
  return command
    .addOption(
      new Option("--data-dir <dir>", "where Skiff keeps all its state")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .addOption(
      new Option(
        `${listenFlag} <host:port>`,
        "address of the registry (OCI Distribution API, token endpoint, admin API, /metrics)",
      )
        .env(listenEnv)
        .default(DEFAULT_REGISTRY_LISTEN),
    )
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(LOG_LEVELS)
        .env("SKIFF_LOG_LEVEL")
        .default("info"),
    )
    .addOption(
      new Option("--max-blob-size <size>", "largest blob (layer) accepted")
        .env("SKIFF_MAX_BLOB_SIZE")
        .default("64GiB"),
    )
    .addOption(
      new Option(
        "--gc-grace <duration>",
        "unreferenced blobs younger than this are kept (pushes in flight need them)",
      )
        .env("SKIFF_GC_GRACE")
        .default("1h"),
    )
    .addOption(
      new Option("--gc-interval <duration>", "how often garbage collection runs")
        .env("SKIFF_GC_INTERVAL")
        .default("6h"),
    )
    .addOption(
      new Option("--upload-ttl <duration>", "uploads idle this long are abandoned")
        .env("SKIFF_UPLOAD_TTL")
        .default("7d"),
    )
    .addOption(
      new Option("--lifecycle-interval <duration>", "how often lifecycle policies are applied")
        .env("SKIFF_LIFECYCLE_INTERVAL")
        .default("1h"),
    )
    .addOption(
      new Option(
        "--shutdown-timeout <duration>",
        "on SIGTERM, how long in-flight requests may take to finish",
      )
        .env("SKIFF_SHUTDOWN_TIMEOUT")
        .default("30s"),
    );
}

/** Options of the engine face: the Docker Engine API and the containers it runs. */
function addEngineOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--engine-socket <path>",
        "unix socket of the Docker Engine API (DOCKER_HOST=unix://PATH docker ...); mode 0660, owned by root",
      )
        .env("SKIFF_ENGINE_SOCKET")
        .default(DEFAULT_ENGINE_SOCKET),
    )
    .addOption(
      new Option(
        "--exec-root <dir>",
        "runtime state of running containers (runc state, conmon sockets, network namespaces)",
      )
        .env("SKIFF_EXEC_ROOT")
        .default(DEFAULT_EXEC_ROOT),
    )
    .addOption(
      new Option("--bridge-name <name>", "Linux bridge that containers on the default network attach to")
        .env("SKIFF_BRIDGE_NAME")
        .default(DEFAULT_BRIDGE_NAME),
    )
    .addOption(
      new Option(
        "--bridge-subnet <cidr>",
        "IPv4 subnet of the bridge network (the gateway is its first address)",
      )
        .env("SKIFF_BRIDGE_SUBNET")
        .default(DEFAULT_BRIDGE_SUBNET),
    )
    .addOption(insecureRegistryOption())
    .addOption(new Option("--no-engine", "do not run the engine (no containers; needs no root)"));
}

/** Options of the cluster face: the Kubernetes API. */
function addApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--api-listen <host:port>",
        "address of the Kubernetes API (HTTPS; kubectl and client libraries connect here)",
      )
        .env("SKIFF_API_LISTEN")
        .default(DEFAULT_API_LISTEN),
    )
    .addOption(
      new Option(
        "--datastore <url>",
        "where cluster state is kept: embedded SQLite under <data-dir>/api when not set, or etcd://HOST:PORT[,HOST:PORT...][?prefix=/skiff]",
      ).env("SKIFF_DATASTORE"),
    )
    .addOption(
      new Option(
        "--write-kubeconfig <path>",
        "also write the admin kubeconfig here (mode 0600) at every start",
      ).env("SKIFF_WRITE_KUBECONFIG"),
    )
    .addOption(
      new Option(
        "--tls-san <host>",
        "another name or IP address for the API's serving certificate (repeatable; the node IP is always in it)",
      )
        .env("SKIFF_TLS_SAN")
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([]),
    )
    .addOption(new Option("--no-api", "do not run the Kubernetes API"));
}

/** Options of the orchestrator: the local node agent and the node lifecycle. */
function addClusterOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--node-name <name>", "name of this machine's Node (default: the host name)").env(
        "SKIFF_NODE_NAME",
      ),
    )
    .addOption(
      new Option(
        "--node-ip <ip>",
        "address of this machine that other nodes reach (default: the address of the default route)",
      ).env("SKIFF_NODE_IP"),
    )
    .addOption(nodeLeaseDurationOption())
    .addOption(
      new Option(
        "--node-monitor-grace-period <duration>",
        "how long a node may go without renewing its Lease before it is marked NotReady and tainted",
      )
        .env("SKIFF_NODE_MONITOR_GRACE_PERIOD")
        .default("40s"),
    )
    .addOption(
      new Option(
        "--default-not-ready-toleration-seconds <n>",
        "how long pods stay on a NotReady node before they are evicted (added to pods without such a toleration)",
      )
        .env("SKIFF_DEFAULT_NOT_READY_TOLERATION_SECONDS")
        .default("300"),
    )
    .addOption(
      new Option(
        "--default-unreachable-toleration-seconds <n>",
        "how long pods stay on an unreachable node before they are evicted (added to pods without such a toleration)",
      )
        .env("SKIFF_DEFAULT_UNREACHABLE_TOLERATION_SECONDS")
        .default("300"),
    )
    .addOption(
      new Option(
        "--no-agent",
        "do not run pods on this machine (it still runs the API, controllers and scheduler)",
      ),
    )
    .addOption(
      new Option(
        "--no-controllers",
        "do not run the controllers (Deployment, ReplicaSet, DaemonSet, node lifecycle), e.g. when another controller manager does",
      ),
    )
    .addOption(
      new Option(
        "--no-scheduler",
        "do not run the scheduler: pods stay Pending unless something else binds them",
      ),
    );
}

function parseSeconds(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`${flag}: expected whole seconds, got "${text}"`);
  return Number(text);
}

function toConfig(flags: ServeFlags, listenFlag: string): ServerConfig {
  return {
    dataDir: flags.dataDir,
    listen: parseListenAddress(flags.listen, listenFlag),
    listenFlag,
    logLevel: flags.logLevel,
    maxBlobSize: parseSize(flags.maxBlobSize),
    gcGraceMs: parseDuration(flags.gcGrace),
    gcIntervalMs: parseDuration(flags.gcInterval),
    uploadTtlMs: parseDuration(flags.uploadTtl),
    lifecycleIntervalMs: parseDuration(flags.lifecycleInterval),
    shutdownTimeoutMs: parseDuration(flags.shutdownTimeout),
  };
}

export function registerServerCommand(program: Command): void {
  const command = program
    .command("server")
    .description(
      "run the Skiff server: the image registry, the container engine (Docker Engine API) and the Kubernetes API",
    );
  addRegistryServerOptions(command, "--registry-listen", "SKIFF_REGISTRY_LISTEN");
  addApiOptions(command);
  addClusterOptions(command);
  addEngineOptions(command).action(
    async (flags: ServeFlags & EngineFlags & ApiFlags & ClusterFlags & { registryListen: string }) => {
      const config = toConfig({ ...flags, listen: flags.registryListen }, "--registry-listen");
      await runServer({
        ...config,
        api: flags.api
          ? {
              listen: parseListenAddress(flags.apiListen, "--api-listen"),
              tlsSans: [
                ...flags.tlsSan,
                ...(flags.nodeIp !== undefined && flags.nodeIp !== "" ? [flags.nodeIp] : []),
              ],
              defaultTolerationSeconds: {
                notReady: parseSeconds(
                  flags.defaultNotReadyTolerationSeconds,
                  "--default-not-ready-toleration-seconds",
                ),
                unreachable: parseSeconds(
                  flags.defaultUnreachableTolerationSeconds,
                  "--default-unreachable-toleration-seconds",
                ),
              },
              ...(flags.datastore !== undefined && flags.datastore !== "" && { datastore: flags.datastore }),
              ...(flags.writeKubeconfig !== undefined &&
                flags.writeKubeconfig !== "" && { writeKubeconfig: flags.writeKubeconfig }),
            }
          : undefined,
        cluster: {
          agent: flags.agent,
          controllers: flags.controllers,
          scheduler: flags.scheduler,
          ...(flags.nodeName !== undefined && flags.nodeName !== "" && { nodeName: flags.nodeName }),
          ...(flags.nodeIp !== undefined && flags.nodeIp !== "" && { nodeIp: flags.nodeIp }),
          nodeMonitorGracePeriodMs: parseDuration(flags.nodeMonitorGracePeriod),
          nodeLeaseDurationSeconds: flags.nodeLeaseDurationSeconds,
        },
        engine: flags.engine
          ? {
              socketPath: flags.engineSocket,
              execRoot: flags.execRoot,
              bridgeName: flags.bridgeName,
              bridgeSubnet: flags.bridgeSubnet,
              insecureRegistries: flags.insecureRegistry,
            }
          : undefined,
      });
    },
  );
  command.addHelpText(
    "after",
    `
On first start the server creates the admin user "skiff", prints its access key once and
saves it under <data-dir>/auth/admin-credentials (mode 0600).

The engine runs real containers (runc under conmon, CNI bridge networking) and needs root.
Containers keep running when the server stops or is killed; it picks them up again at start.

The Kubernetes API serves HTTPS on --api-listen. On first start it creates a CA, a serving
certificate and an admin token under <data-dir>/api/pki and writes an admin kubeconfig to
<data-dir>/api/admin.kubeconfig (mode 0600; \`skiff kubeconfig\` prints it). Cluster state is
kept in SQLite under <data-dir>/api, or in etcd with --datastore etcd://127.0.0.1:2379.

With the API and the engine, the server is a one-node cluster: the controllers (Deployments,
ReplicaSets, DaemonSets, node lifecycle) and the scheduler run beside the API, and the local
node agent registers this machine as a Node and runs the pods bound to it as real containers
(they also show in \`docker ps\`). More machines join with \`skiff token create\` here and
\`skiff agent --server URL --token TOKEN\` there.

Examples:
  skiff server                                   # /var/lib/skiff, registry on 127.0.0.1:5000
  DOCKER_HOST=unix:///run/skiff/engine.sock docker run --rm -it busybox sh
  skiff server --data-dir /srv/skiff --registry-listen 0.0.0.0:5000
  skiff server --no-engine --write-kubeconfig ~/.kube/config && kubectl get namespaces
  skiff server --datastore etcd://127.0.0.1:2379
  kubectl create deployment web --image=127.0.0.1:5000/team/web:1 --replicas=3`,
  );
}

export function registerRegistryServeCommand(registry: Command): void {
  const command = registry.command("serve").description("run only the image registry");
  addRegistryServerOptions(command, "--listen", "SKIFF_REGISTRY_LISTEN").action(async (flags: ServeFlags) => {
    // The registry's heap is mostly request garbage that lives a few ms; this flag makes V8
    // collect the old generation at a smaller growth. After 110,000 manifest GETs (32
    // concurrent) the old space was 9.4-9.9 MiB with it, 10.2-10.7 MiB without, at the same
    // requests/s. (It once made a bigger difference, when each GET left a dead hash table:
    // see manifest-cache.ts.) Only here: the full server's benchmarks ran without it.
    setFlagsFromString("--optimize-for-size");
    await runServer(toConfig(flags, "--listen"));
  });
  command.addHelpText(
    "after",
    "\nExample:\n  skiff registry serve --listen 127.0.0.1:5000 --data-dir /var/lib/skiff",
  );
}
