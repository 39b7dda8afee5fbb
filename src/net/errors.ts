// Errors the engine turns into HTTP statuses, worded as Docker words them.

export class NetworkError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

/** 500: a published host port is taken by another container or by a process on the host. */
export class PortBindError extends NetworkError {
  constructor(endpoint: string, detail: string) {
    super(500, `driver failed programming external connectivity on endpoint ${endpoint}: ${detail}`);
  }

  /** Another container (or another binding of this one) holds the port. */
  static allocated(endpoint: string, hostIp: string, hostPort: number): PortBindError {
    return new PortBindError(
      endpoint,
      `Bind for ${hostIp || "0.0.0.0"}:${hostPort} failed: port is already allocated`,
    );
  }

  /** A process on the host already listens there. */
  static inUse(endpoint: string, proto: "tcp" | "udp", hostIp: string, hostPort: number): PortBindError {
    const addr = `${hostIp || "0.0.0.0"}:${hostPort}`;
    return new PortBindError(
      endpoint,
      `Error starting userland proxy: listen ${proto}4 ${addr}: bind: address already in use`,
    );
  }
}

/** 400: a port binding or mode the engine should have refused. */
export class InvalidNetworkRequestError extends NetworkError {
  constructor(message: string) {
    super(400, message);
  }
}
