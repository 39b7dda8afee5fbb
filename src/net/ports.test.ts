import { createServer, createConnection, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PortReservations } from "./ports.js";
import type { PortBinding } from "./types.js";

const tcp = (hostPort: number, hostIp = "127.0.0.1", containerPort = 80): PortBinding => ({
  containerPort,
  protocol: "tcp",
  hostIp,
  hostPort,
});

const open: PortReservations[] = [];
function reservations(): PortReservations {
  const r = new PortReservations();
  open.push(r);
  return r;
}
afterEach(() => {
  for (const r of open.splice(0)) r.closeAll();
});

describe("PortReservations", () => {
  it("picks a free port in Docker's range for hostPort 0, for tcp and udp", async () => {
    const r = reservations();
    const got = await r.reserve("a", "web", [
      tcp(0),
      { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 0 },
    ]);
    for (const b of got) {
      expect(b.hostPort).toBeGreaterThanOrEqual(32768);
      expect(b.hostPort).toBeLessThanOrEqual(60999);
    }
  });

  it("refuses a port another owner holds, also across addresses, and frees it on release", async () => {
    const r = reservations();
    const [first] = await r.reserve("a", "one", [tcp(0, "")]);
    const port = first?.hostPort ?? 0;
    await expect(r.reserve("b", "two", [tcp(port, "127.0.0.1")])).rejects.toMatchObject({
      statusCode: 500,
      message: `driver failed programming external connectivity on endpoint two: Bind for 127.0.0.1:${port} failed: port is already allocated`,
    });
    // udp on the same number is another port
    await r.reserve("b", "two", [{ containerPort: 80, protocol: "udp", hostIp: "", hostPort: port }]);
    r.release("a");
    r.release("b");
    await r.reserve("c", "three", [tcp(port, "")]);
  });

  it("is all or nothing, and reports a host process's port as in use", async () => {
    const host: Server = createServer();
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const taken = (host.address() as { port: number }).port;
    try {
      const r = reservations();
      const free = await r.reserve("probe", "p", [tcp(0)]);
      const freePort = free[0]?.hostPort ?? 0;
      r.release("probe");
      await expect(r.reserve("a", "web", [tcp(freePort), tcp(taken, "127.0.0.1", 81)])).rejects.toMatchObject(
        {
          message: `driver failed programming external connectivity on endpoint web: Error starting userland proxy: listen tcp4 127.0.0.1:${taken}: bind: address already in use`,
        },
      );
      // the first binding was released again
      await r.reserve("b", "other", [tcp(freePort)]);
    } finally {
      host.close();
    }
  });

  it("keeps claimed ports of an earlier process taken until released, and binds them again", async () => {
    const r = reservations();
    const [b] = await r.reserve("probe", "p", [tcp(0)]);
    r.release("probe");
    const port = b?.hostPort ?? 0;
    r.claim("old", [tcp(port)]);
    await expect(r.reserve("new", "n", [tcp(port)])).rejects.toMatchObject({ statusCode: 500 });
    expect(await r.rebind("old")).toEqual([]);
    const other = new PortReservations();
    await expect(other.reserve("x", "x", [tcp(port)])).rejects.toThrow(/address already in use/);
  });

  it("proxies TCP connections that reach the socket to the container's address", async () => {
    const backend = createServer((s) => s.end("from backend"));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const backendPort = (backend.address() as { port: number }).port;
    try {
      const r = reservations();
      const [b] = await r.reserve("a", "web", [tcp(0, "127.0.0.1", backendPort)]);
      r.setTarget("a", { ip: "127.0.0.1" });
      const text = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const c = createConnection({ host: "127.0.0.1", port: b?.hostPort ?? 0 });
        c.on("data", (d: Buffer) => chunks.push(d));
        c.on("end", () => resolve(Buffer.concat(chunks).toString()));
        c.on("error", reject);
      });
      expect(text).toBe("from backend");
    } finally {
      backend.close();
    }
  });

  it("refuses bad bindings with 400", async () => {
    const r = reservations();
    await expect(r.reserve("a", "w", [tcp(70000)])).rejects.toMatchObject({ statusCode: 400 });
    await expect(r.reserve("a", "w", [tcp(80, "fe80::1")])).rejects.toMatchObject({ statusCode: 400 });
  });
});
