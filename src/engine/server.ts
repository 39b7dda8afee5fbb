// The Docker Engine API server: node:http on a unix socket (mode 0660), the route table of
// every resource, and an orderly close that ends long streams and drops what remains after
// the timeout. Containers are not touched by closing: conmon keeps them.
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { chmod, lstat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { createEngineApp } from "./app.js";
import { authRoutes } from "./auth.js";
import { containerStreamRoutes } from "./container-streams.js";
import { containerRoutes } from "./containers.js";
import { execRoutes } from "./exec.js";
import { imageTransferRoutes } from "./image-transfer.js";
import { IdleCollector } from "./idle-gc.js";
import { imageRoutes } from "./images.js";
import { networkRoutes } from "./networks.js";
import type { EngineServices } from "./ports.js";
import type { Route } from "./route.js";
import { systemRoutes, type EngineIdentity } from "./system.js";
import { volumeRoutes } from "./volumes.js";

export interface EngineOptions {
  socketPath: string;
  services: EngineServices;
  logger: Logger;
  /** What /version and /info report; defaults: Skiff's version, this host's name. */
  identity?: Partial<EngineIdentity>;
  /** The bridge network's subnet, shown by `docker network inspect bridge`. */
  bridgeSubnet?: string;
}

export interface Engine {
  readonly socketPath: string;
  /**
   * Stops accepting connections, ends long streams (events, log follow, wait), waits up to
   * `timeoutMs` for requests in flight, then drops the rest and removes the socket file.
   * Safe to call twice.
   */
  close(timeoutMs?: number): Promise<void>;
}

export class EngineSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineSocketError";
  }
}

export const SKIFF_VERSION = "0.1.0";

/** All routes, in match order (fixed paths before patterns that take a name). */
export function engineRoutes(
  services: EngineServices,
  identity: EngineIdentity,
  bridgeSubnet?: string,
): Route[] {
  return [
    ...systemRoutes(services, identity),
    ...containerRoutes(services),
    ...containerStreamRoutes(services),
    ...execRoutes(services),
    ...imageTransferRoutes(services),
    ...imageRoutes(services),
    ...volumeRoutes(services),
    ...networkRoutes(bridgeSubnet === undefined ? {} : { subnet: bridgeSubnet }),
    ...authRoutes(services),
  ];
}

/** Whether a server answers on the unix socket `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Removes a stale socket left by a killed server; refuses a live one or a non-socket. */
async function prepareSocketPath(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (!stats.isSocket())
    throw new EngineSocketError(`${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path)) throw new EngineSocketError(`another server is already listening on ${path}`);
  await unlink(path);
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const { socketPath, logger } = options;
  const identity: EngineIdentity = {
    version: SKIFF_VERSION,
    gitCommit: "",
    rootDir: "",
    name: hostname(),
    ...options.identity,
  };
  const shutdown = new AbortController();
  const app = createEngineApp({
    routes: engineRoutes(options.services, identity, options.bridgeSubnet),
    logger,
    shutdown: shutdown.signal,
    serverHeader: `Skiff/${identity.version} (linux)`,
  });
  // No request timeout: image loads and pushes stream for as long as they take.
  const server = createServer({ requestTimeout: 0 }, app.onRequest);
  server.on("upgrade", app.onUpgrade);
  const idle = new IdleCollector();
  server.on("request", () => idle.touch());
  server.on("upgrade", () => idle.touch());
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("clientError", (err, socket) => {
    logger.debug({ err }, "bad request from client");
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await prepareSocketPath(socketPath);
  await listen(server, socketPath);
  await chmod(socketPath, 0o660);

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    close(timeoutMs = 5000) {
      closing ??= (async () => {
        shutdown.abort();
        idle.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Streams ended by the abort leave keep-alive connections idle a moment later.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([closed, timedOut]);
        clearTimeout(timer);
        clearInterval(sweep);
        for (const socket of sockets) socket.destroy();
        await closed;
        await unlink(socketPath).catch(() => undefined);
      })();
      return closing;
    },
  };
}
