// `skiff server` and `skiff registry serve`: start the parts, stop them in order on
// SIGTERM/SIGINT. Today the only part is the registry; the engine, the cluster API and the
// node agent join here as they are built.
import { Registry as MetricsRegistry, collectDefaultMetrics } from "prom-client";
import { prepareDataDir } from "./data-dir.js";
import { createLogger, type LogLevel } from "./logger.js";
import { startRegistry, type RegistryConfig } from "./registry.js";

export interface ServerConfig extends RegistryConfig {
  logLevel: LogLevel;
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
}

/** Runs until a signal stops it. Throws (for exit code 1) when a part cannot start. */
export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  await prepareDataDir(config.dataDir);
  const metricsRegistry = new MetricsRegistry();
  collectDefaultMetrics({ register: metricsRegistry, prefix: "skiff_" });
  const registry = await startRegistry(config, logger.child({ component: "registry" }), metricsRegistry);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "shutting down");
      registry
        .close(config.shutdownTimeoutMs)
        .catch((err: unknown) => logger.error({ err }, "error while shutting down"))
        .finally(() => {
          logger.info("stopped");
          resolve();
        });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
