// The engine's request dispatch on Node's own HTTP server: API version prefix, route table,
// Docker's error body, one log line per request. Ordinary requests arrive as (request,
// response); `Upgrade: tcp` requests (attach, exec start) arrive as (request, socket, head)
// through the server's 'upgrade' event and are answered on the raw connection.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { EngineError, toHttpError } from "./errors.js";
import { writeRawResponse } from "./reply.js";
import { API_VERSION, matchRoute, splitVersion, type Exchange, type Route } from "./route.js";

export interface EngineAppOptions {
  routes: readonly Route[];
  logger: Logger;
  /** Aborted when the server shuts down: long streams (events, follow, wait) end then. */
  shutdown: AbortSignal;
  /** The `Server` header, e.g. `Skiff/0.1.0 (linux)`. */
  serverHeader: string;
}

export interface EngineApp {
  onRequest(request: IncomingMessage, response: ServerResponse): void;
  onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** A per-request signal that follows the server's; `done` unhooks it when the request ends. */
function linkSignal(shutdown: AbortSignal): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (shutdown.aborted) abort();
  else shutdown.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    done() {
      shutdown.removeEventListener("abort", abort);
      abort();
    },
  };
}

function parseUrl(url: string): { path: string; query: URLSearchParams } | { error: string } {
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : url.slice(q + 1));
  try {
    return { path: decodeURIComponent(rawPath), query };
  } catch {
    return { error: "malformed percent-encoding in the URL path" };
  }
}

export function createEngineApp(options: EngineAppOptions): EngineApp {
  const { routes, logger } = options;

  /** Resolves the route; throws EngineError for a bad version or an unknown path. */
  const resolve = (exchange: Exchange, url: string, method: string): Route => {
    const parsed = parseUrl(url);
    if ("error" in parsed) throw new EngineError(400, parsed.error);
    exchange.query = parsed.query;
    const split = splitVersion(parsed.path);
    if ("error" in split) throw new EngineError(400, split.error);
    exchange.apiVersion = split.version;
    exchange.path = split.path;
    const match = matchRoute(routes, method, split.path);
    if (match === undefined) throw new EngineError(404, "page not found");
    if (match === "method") throw new EngineError(405, "method not allowed");
    exchange.routeName = match.route.name;
    exchange.params = match.params;
    return match.route;
  };

  const newExchange = (request: IncomingMessage, signal: AbortSignal): Exchange => ({
    request,
    path: "/",
    apiVersion: API_VERSION,
    query: new URLSearchParams(),
    params: {},
    routeName: "unknown",
    signal,
    hijacked: false,
  });

  const logLine = (exchange: Exchange, status: number, started: bigint, extra: object) => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info(
      {
        method: exchange.request.method,
        url: exchange.request.url,
        status,
        ms: Math.round(ms * 10) / 10,
        route: exchange.routeName,
        ...extra,
      },
      "request",
    );
  };

  const logFailure = (exchange: Exchange, err: unknown) => {
    const { internal } = toHttpError(err);
    if (internal)
      logger.error({ err, url: exchange.request.url, route: exchange.routeName }, "request failed");
  };

  return {
    onRequest(request, response) {
      const started = process.hrtime.bigint();
      const link = linkSignal(options.shutdown);
      const exchange = newExchange(request, link.signal);
      exchange.response = response;
      response.setHeader("Api-Version", API_VERSION);
      response.setHeader("Docker-Experimental", "false");
      response.setHeader("Ostype", "linux");
      response.setHeader("Server", options.serverHeader);
      response.once("close", () => {
        link.done();
        logLine(exchange, response.statusCode, started, response.writableFinished ? {} : { aborted: true });
      });
      let run: Promise<unknown>;
      try {
        run = resolve(exchange, request.url ?? "/", request.method ?? "GET").handle(exchange);
      } catch (err) {
        run = Promise.reject(err);
      }
      run.catch((err: unknown) => {
        // A client that went away mid-stream is not a server error.
        if (!response.destroyed) logFailure(exchange, err);
        if (response.headersSent || response.destroyed) {
          response.destroy();
          return;
        }
        const { status, message } = toHttpError(err);
        // A body the handler never read would otherwise be left on a keep-alive connection.
        if (!request.complete) response.setHeader("Connection", "close");
        if (status === 304) {
          response.writeHead(304).end();
          return;
        }
        const bytes = Buffer.from(JSON.stringify({ message }) + "\n");
        response.writeHead(status, { "Content-Type": "application/json", "Content-Length": bytes.length });
        response.end(bytes);
      });
    },

    onUpgrade(request, socket, head) {
      const started = process.hrtime.bigint();
      const link = linkSignal(options.shutdown);
      const exchange = newExchange(request, link.signal);
      exchange.upgrade = { socket, head };
      let status = 101;
      socket.once("close", () => {
        link.done();
        logLine(exchange, status, started, { upgrade: true });
      });
      socket.on("error", (err) =>
        logger.debug({ err, route: exchange.routeName }, "hijacked connection error"),
      );
      let run: Promise<unknown>;
      try {
        const route = resolve(exchange, request.url ?? "/", request.method ?? "GET");
        if (route.hijack !== true)
          throw new EngineError(400, "this endpoint does not support connection upgrades");
        run = route.handle(exchange);
      } catch (err) {
        run = Promise.reject(err);
      }
      run.catch((err: unknown) => {
        logFailure(exchange, err);
        if (exchange.hijacked || socket.destroyed) {
          socket.destroy();
          return;
        }
        const http = toHttpError(err);
        status = http.status;
        writeRawResponse(socket, http.status, { message: http.message });
      });
    },
  };
}
