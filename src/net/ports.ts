// Host port reservations for published ports. Each published port is held by a socket bound
// in this process, as Docker's docker-proxy does: a host process cannot take the port while a
// container publishes it, a taken port is found before anything is set up, and hostPort 0 gets
// a free port from the kernel (32768-60999, Docker's range). The CNI portmap plugin does the
// real forwarding with DNAT; a TCP connection that still reaches the socket (one that DNAT did
// not catch) is proxied to the container.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, createServer, isIPv4, type Server, type Socket } from "node:net";
import { InvalidNetworkRequestError, PortBindError } from "./errors.js";
import type { PortBinding } from "./types.js";

interface Reservation {
  owner: string;
  binding: PortBinding;
  /** Absent while only claimed from persisted state (before restore binds it again). */
  socket?: Server | UdpSocket;
  sockets: Set<Socket>;
}

export interface ProxyTarget {
  ip: string;
}

export class PortReservations {
  readonly #reservations: Reservation[] = [];
  readonly #targets = new Map<string, ProxyTarget>();

  /**
   * Binds every binding for `owner` and returns them with their real host ports. All or
   * nothing: when one fails, the ones this call bound are released and a PortBindError says why.
   */
  async reserve(owner: string, endpoint: string, bindings: readonly PortBinding[]): Promise<PortBinding[]> {
    const done: Reservation[] = [];
    try {
      for (const b of bindings) done.push(await this.#reserveOne(owner, endpoint, validate(b)));
      return done.map((r) => r.binding);
    } catch (err) {
      for (const r of done) this.#drop(r);
      throw err;
    }
  }

  /** Records bindings persisted by an earlier process, so new reservations cannot clash with them. */
  claim(owner: string, bindings: readonly PortBinding[]): void {
    for (const binding of bindings) this.#reservations.push({ owner, binding, sockets: new Set() });
  }

  /** Binds the sockets of claimed bindings again (after a restart). Returns the ones that failed. */
  async rebind(owner: string): Promise<Array<{ binding: PortBinding; error: Error }>> {
    const failed: Array<{ binding: PortBinding; error: Error }> = [];
    for (const r of this.#reservations.filter((x) => x.owner === owner && x.socket === undefined)) {
      try {
        r.socket = await this.#bind(r, r.binding.hostPort);
      } catch (err) {
        failed.push({ binding: r.binding, error: err as Error });
      }
    }
    return failed;
  }

  /** Where the TCP proxy of `owner`'s ports connects to (the container's IP). */
  setTarget(owner: string, target: ProxyTarget): void {
    this.#targets.set(owner, target);
  }

  /** Frees all of `owner`'s ports; idempotent. */
  release(owner: string): void {
    for (const r of this.#reservations.filter((x) => x.owner === owner)) this.#drop(r);
    this.#targets.delete(owner);
  }

  /** Closes every socket (server shutdown: containers keep running, restore binds them again). */
  closeAll(): void {
    for (const r of [...this.#reservations]) this.#drop(r);
    this.#targets.clear();
  }

  async #reserveOne(owner: string, endpoint: string, want: PortBinding): Promise<Reservation> {
    if (want.hostPort !== 0) {
      if (this.#conflict(want, want.hostPort))
        throw PortBindError.allocated(endpoint, want.hostIp, want.hostPort);
    }
    // The kernel may hand out a port that is only claimed (not bound) here: try again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const r: Reservation = { owner, binding: { ...want }, sockets: new Set() };
      let socket: Server | UdpSocket;
      try {
        socket = await this.#bind(r, want.hostPort);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw PortBindError.inUse(endpoint, want.protocol, want.hostIp, want.hostPort);
        }
        throw new PortBindError(endpoint, (err as Error).message);
      }
      r.socket = socket;
      r.binding.hostPort = boundPort(socket);
      if (want.hostPort === 0 && this.#conflict(r.binding, r.binding.hostPort)) {
        closeSocket(socket);
        continue;
      }
      this.#reservations.push(r);
      return r;
    }
    throw new PortBindError(endpoint, "no free host port found");
  }

  #conflict(b: PortBinding, port: number): boolean {
    return this.#reservations.some(
      (r) =>
        r.binding.protocol === b.protocol &&
        r.binding.hostPort === port &&
        (r.binding.hostIp === "" || b.hostIp === "" || r.binding.hostIp === b.hostIp),
    );
  }

  #bind(r: Reservation, port: number): Promise<Server | UdpSocket> {
    const host = r.binding.hostIp === "" ? "0.0.0.0" : r.binding.hostIp;
    if (r.binding.protocol === "udp") {
      return new Promise((resolve, reject) => {
        const s = createSocket("udp4");
        s.once("error", reject);
        s.bind({ address: host, port, exclusive: true }, () => {
          s.off("error", reject);
          s.on("error", () => undefined);
          resolve(s);
        });
      });
    }
    return new Promise((resolve, reject) => {
      const server = createServer({ allowHalfOpen: true }, (client) => this.#proxy(r, client));
      server.once("error", reject);
      server.listen({ host, port, exclusive: true, backlog: 128 }, () => {
        server.off("error", reject);
        server.on("error", () => undefined);
        resolve(server);
      });
    });
  }

  #proxy(r: Reservation, client: Socket): void {
    const target = this.#targets.get(r.owner);
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.ip, port: r.binding.containerPort, allowHalfOpen: true });
    r.sockets.add(client).add(upstream);
    const done = (): void => {
      client.destroy();
      upstream.destroy();
      r.sockets.delete(client);
      r.sockets.delete(upstream);
    };
    client.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  #drop(r: Reservation): void {
    const i = this.#reservations.indexOf(r);
    if (i >= 0) this.#reservations.splice(i, 1);
    if (r.socket !== undefined) closeSocket(r.socket);
    for (const s of r.sockets) s.destroy();
    r.sockets.clear();
  }
}

function validate(b: PortBinding): PortBinding {
  const port = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
  if (!port(b.hostPort) || !port(b.containerPort) || b.containerPort === 0) {
    throw new InvalidNetworkRequestError(`invalid port specification: "${b.hostPort}:${b.containerPort}"`);
  }
  if (b.protocol !== "tcp" && b.protocol !== "udp") {
    throw new InvalidNetworkRequestError(`invalid proto: ${String(b.protocol)}`);
  }
  // Containers have IPv4 only: "::" and "0.0.0.0" mean all addresses, like "".
  const hostIp = b.hostIp === "::" || b.hostIp === "0.0.0.0" ? "" : b.hostIp;
  if (hostIp !== "" && !isIPv4(hostIp)) {
    throw new InvalidNetworkRequestError(`invalid IP address: ${b.hostIp}`);
  }
  return { ...b, hostIp };
}

function boundPort(s: Server | UdpSocket): number {
  const addr = s.address();
  if (addr !== null && typeof addr === "object") return addr.port;
  throw new Error("socket has no bound address");
}

function closeSocket(s: Server | UdpSocket): void {
  try {
    s.close();
  } catch {
    // already closed
  }
}
