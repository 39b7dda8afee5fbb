// The composition root of `skiff agent`: trust the API server, check the join token, start the
// engine's parts and the node stack (the same agent `skiff server` runs for its own node, here
// with an HTTPS client), run until SIGTERM/SIGINT, then stop the agent (pods keep running).
import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import { clusterRegistry } from "../../agent/cluster-registry.js";
import { HttpClusterClient } from "../../api/client/http-client.js";
import { ApiError } from "../../api/errors.js";
import type { EngineConfig, EngineStack } from "../../server/engine.js";
import { createLogger, type LogLevel } from "../../server/logger.js";
import type { NodeStack } from "../../server/node.js";
import { defaultNodeIp, defaultNodeName } from "../../server/node-address.js";
import { QuietGc, quietGcLog } from "../../server/quiet-gc.js";
import { CliError } from "../admin-client.js";
import { localAddressToward, trustedCa } from "./agent-trust.js";

export interface AgentConfig {
  server: string;
  token: string;
  caFile?: string;
  caCertHash?: string;
  nodeName?: string;
  nodeIp?: string;
  dataDir: string;
  engine: EngineConfig;
  nodeLeaseDurationSeconds: number;
  /** Where the API server reaches this node for logs/exec/port-forward (the kubelet's 10250). */
  streamPort: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

/** Fails early, in words, when the token is not accepted (401) or not a node's (403). */
async function checkToken(client: HttpClusterClient, nodeName: string): Promise<void> {
  try {
    await client.resource({ apiVersion: "v1", kind: "Node" }).find(undefined, nodeName);
  } catch (err) {
    if (err instanceof ApiError && err.reason === "Unauthorized") {
      throw new CliError(
        `${client.server} refused the join token: it is wrong, expired or deleted (skiff token list)`,
      );
    }
    if (err instanceof ApiError && err.reason === "Forbidden") {
      throw new CliError(`the token is valid but may not act as a node: ${err.message}`);
    }
    throw err;
  }
}

function waitForSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      logger.info({ signal }, "shutting down");
      resolve(signal);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}

/** Runs the agent until a signal stops it; throws (exit code 1) when it cannot start. */
export async function runAgent(config: AgentConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const caPem = await trustedCa({
    server: config.server,
    ...(config.caFile !== undefined && { caFile: config.caFile }),
    ...(config.caCertHash !== undefined && { caCertHash: config.caCertHash }),
  });
  const client = new HttpClusterClient({
    server: config.server,
    caPem,
    token: config.token,
    userAgent: "skiff-agent",
    fieldManager: "kubelet",
  });
  let engine: EngineStack | undefined;
  let node: NodeStack | undefined;
  try {
    const nodeName = config.nodeName ?? defaultNodeName();
    const nodeIP = config.nodeIp ?? (await localAddressToward(config.server)) ?? (await defaultNodeIp());
    await checkToken(client, nodeName);
    // The cluster's own registry speaks plain HTTP and takes the nodes' credential.
    const own = await clusterRegistry(client);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // Loaded only here: `skiff token` and `--help` need none of the engine.
    const { startEngineStack } = await import("../../server/engine.js");
    const insecureRegistries = [...(config.engine.insecureRegistries ?? []), ...own.hosts];
    engine = await startEngineStack(
      config.dataDir,
      { ...config.engine, insecureRegistries },
      logger.child({ component: "engine" }),
    );
    const { startNodeStack } = await import("../../server/node.js");
    node = await startNodeStack({
      dataDir: config.dataDir,
      engine: engine.services,
      client,
      nodeName,
      nodeIP,
      credentialsFor: own.credentialsFor,
      leaseDurationSeconds: config.nodeLeaseDurationSeconds,
      streamEndpoint: { port: config.streamPort, clusterCaPem: caPem },
      logger: logger.child({ component: "agent" }),
    });
    logger.info({ server: config.server, node: nodeName, ip: nodeIP }, "agent joined");
  } catch (err) {
    await node?.close();
    await engine?.close(0);
    client.close();
    throw err;
  }
  const quietGc = new QuietGc({ onCollect: quietGcLog(logger) });
  quietGc.start();
  await waitForSignal(logger);
  quietGc.stop();
  try {
    await node.close();
    await engine.close(config.shutdownTimeoutMs);
  } catch (err) {
    logger.error({ err }, "error while shutting down");
  } finally {
    client.close();
    logger.info("stopped");
  }
}
