// The HTTPS listener of the API server. Client certificates are asked for but not required:
// a certificate signed by our CA authenticates its subject, anything else falls through to
// bearer tokens (or anonymous). close() stops accepting, lets requests in flight finish and
// cuts long-lived ones (watches) at the deadline.
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import type { RequestHandler } from "./handler.js";

export interface ApiTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface ApiHttpServer {
  /** https://HOST:PORT as bound (the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting; waits up to `timeoutMs` for requests in flight, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

export class ApiListenError extends Error {}

export async function startApiHttpServer(o: {
  host: string;
  port: number;
  tls: ApiTls;
  handler: RequestHandler;
}): Promise<ApiHttpServer> {
  const server: Server = createServer(
    {
      cert: o.tls.certPem,
      key: o.tls.keyPem,
      ca: o.tls.caPem,
      requestCert: true,
      rejectUnauthorized: false,
      // Watches are long-lived; only slow headers and idle keep-alive connections time out.
      requestTimeout: 0,
      headersTimeout: 60_000,
      keepAliveTimeout: 65_000,
    },
    o.handler,
  );
  if (o.handler.upgrade !== undefined) server.on("upgrade", o.handler.upgrade);
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  // A client that drops mid-handshake is not an error of the server.
  server.on("tlsClientError", () => {});
  try {
    server.listen(o.port, o.host);
    await once(server, "listening");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;
    const hint =
      code === "EADDRINUSE"
        ? "address already in use: is another API server running? pick another address with --api-listen"
        : code === "EACCES"
          ? "permission denied: ports below 1024 need root"
          : (code ?? (err as Error).message);
    throw new ApiListenError(`api: cannot listen on ${where}: ${hint}`);
  }
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : o.port;
  const host = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    async close(timeoutMs: number) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => {
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }, timeoutMs);
      force.unref();
      await closed;
      clearTimeout(force);
    },
  };
}
