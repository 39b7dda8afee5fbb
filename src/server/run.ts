// `skiff server` and `skiff registry serve`: start the parts, stop them in order on
// SIGTERM/SIGINT. The parts are the registry and (for `skiff server`) the engine and the
// cluster API; the node agent joins here as it is built.
import { Registry as MetricsRegistry } from "prom-client";
import { prepareDataDir } from "./data-dir.js";
import { collectProcessMetrics } from "./process-metrics.js";
import { createLogger, type LogLevel } from "./logger.js";
import type { ApiConfig, ApiStack } from "./api.js";
import type { EngineConfig, EngineStack } from "./engine.js";
import type { ControlPlane, ControlPlaneConfig } from "./cluster.js";
import type { NodeStack } from "./node.js";
import { defaultNodeIp } from "./node-address.js";
import { QuietGc, quietGcLog } from "./quiet-gc.js";
import { advertisedRegistryHosts } from "./node-registry-secret.js";
import { startRegistry, type RegistryConfig } from "./registry.js";

export interface ServerConfig extends RegistryConfig {
  logLevel: LogLevel;
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
  /** The engine face; absent for `skiff registry serve` and `skiff server --no-engine`. */
  engine?: EngineConfig;
  /** The cluster (Kubernetes) API; absent for `skiff registry serve` and `skiff server --no-api`. */
  api?: ApiConfig;
  /** The orchestrator parts, which run when the API does (the agent also needs the engine). */
  cluster?: ClusterConfig;
}

export interface ClusterConfig extends ControlPlaneConfig {
  /** Run the local node agent (`--no-agent`: this machine runs no pods). */
  agent: boolean;
  nodeName?: string;
  nodeIp?: string;
  /** The local node's Lease duration (k8s 40 s). */
  nodeLeaseDurationSeconds?: number;
}

/** Runs until a signal stops it. Throws (for exit code 1) when a part cannot start. */
export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  await prepareDataDir(config.dataDir);
  const metricsRegistry = new MetricsRegistry();
  collectProcessMetrics(metricsRegistry, "skiff_");
  const registry = await startRegistry(config, logger.child({ component: "registry" }), metricsRegistry);
  // Signals are taken from here on: one that arrives while the other parts still start (the
  // registry already answers) stops the server once they have started.
  let signalled: NodeJS.Signals | undefined;
  let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  const take = (signal: NodeJS.Signals): void => {
    signalled ??= signal;
    onSignal?.(signal);
  };
  process.once("SIGTERM", take);
  process.once("SIGINT", take);
  let engine: EngineStack | undefined;
  let api: ApiStack | undefined;
  let controlPlane: ControlPlane | undefined;
  let node: NodeStack | undefined;
  try {
    // Loaded only when wanted: `skiff registry serve` stays small.
    if (config.engine !== undefined) {
      const { startEngineStack } = await import("./engine.js");
      // The engine pushes to and pulls from its own registry (plain HTTP) by any of its names.
      const ownRegistry = advertisedRegistryHosts(
        registry.url,
        config.cluster?.nodeIp ?? (await defaultNodeIp()),
      );
      engine = await startEngineStack(
        config.dataDir,
        {
          ...config.engine,
          insecureRegistries: [...(config.engine.insecureRegistries ?? []), ...ownRegistry],
        },
        logger.child({ component: "engine" }),
      );
    }
    if (config.api !== undefined) {
      const { startApiStack } = await import("./api.js");
      api = await startApiStack({
        dataDir: config.dataDir,
        config: config.api,
        logger: logger.child({ component: "api" }),
        metricsRegistry,
      });
      if (config.cluster !== undefined) {
        const { startControlPlane } = await import("./cluster.js");
        controlPlane = await startControlPlane({ api, config: config.cluster, registry, logger });
        if (config.cluster.agent && engine !== undefined) {
          const { startLocalNode } = await import("./node.js");
          node = await startLocalNode({
            dataDir: config.dataDir,
            api,
            engine: engine.services,
            registry,
            config: config.cluster,
            logger: logger.child({ component: "agent" }),
          });
        }
      }
    }
  } catch (err) {
    process.off("SIGTERM", take);
    process.off("SIGINT", take);
    await node?.close();
    await controlPlane?.close();
    await api?.close(0);
    await engine?.close(0);
    await registry.close(0);
    throw err;
  }

  const quietGc = new QuietGc({ onCollect: quietGcLog(logger) });
  quietGc.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "shutting down");
      quietGc.stop();
      // The node agent and the control plane stop first (pods keep running), then the API (its
      // watchers are cut), then the engine, whose clients may still be pushing to the registry.
      Promise.resolve(node?.close())
        .then(() => controlPlane?.close())
        .then(() => api?.close(config.shutdownTimeoutMs))
        .then(() => engine?.close(config.shutdownTimeoutMs))
        .then(() => registry.close(config.shutdownTimeoutMs))
        .catch((err: unknown) => logger.error({ err }, "error while shutting down"))
        .finally(() => {
          logger.info("stopped");
          resolve();
        });
    };
    if (signalled !== undefined) stop(signalled);
    else onSignal = stop;
  });
}
