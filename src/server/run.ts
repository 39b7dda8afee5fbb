// `skiff server` and `skiff registry serve`: start the parts, stop them in order on
// SIGTERM/SIGINT. The parts are the registry and (for `skiff server`) the engine; the
// cluster API and the node agent join here as they are built.
import { Registry as MetricsRegistry, collectDefaultMetrics } from "prom-client";
import { prepareDataDir } from "./data-dir.js";
import { createLogger, type LogLevel } from "./logger.js";
import type { EngineConfig, EngineStack } from "./engine.js";
import { startRegistry, type RegistryConfig } from "./registry.js";

export interface ServerConfig extends RegistryConfig {
  logLevel: LogLevel;
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
  /** The engine face; absent for `skiff registry serve` and `skiff server --no-engine`. */
  engine?: EngineConfig;
}

/** Runs until a signal stops it. Throws (for exit code 1) when a part cannot start. */
export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  await prepareDataDir(config.dataDir);
  const metricsRegistry = new MetricsRegistry();
  collectDefaultMetrics({ register: metricsRegistry, prefix: "skiff_" });
  const registry = await startRegistry(config, logger.child({ component: "registry" }), metricsRegistry);
  let engine: EngineStack | undefined;
  if (config.engine !== undefined) {
    try {
      // Loaded only when wanted: `skiff registry serve` stays small.
      const { startEngineStack } = await import("./engine.js");
      engine = await startEngineStack(config.dataDir, config.engine, logger.child({ component: "engine" }));
    } catch (err) {
      await registry.close(0);
      throw err;
    }
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "shutting down");
      // The engine stops first: its clients may still be pushing to the registry.
      Promise.resolve(engine?.close(config.shutdownTimeoutMs))
        .then(() => registry.close(config.shutdownTimeoutMs))
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
