import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../clock.test-util.js";
import { FakeRuntime } from "../fake-runtime.test-util.js";
import type { ContainerSpec } from "../spec.js";
import { runHandler } from "./handler.js";

const servers: (http.Server | net.Server)[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function listen(s: http.Server | net.Server): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as AddressInfo).port;
}

const container = (port: number): ContainerSpec => ({
  name: "c",
  image: "x",
  imagePullPolicy: "IfNotPresent",
  init: false,
  ports: [{ name: "http", containerPort: port }],
});

describe("probe handlers", () => {
  it("httpGet: 200–399 succeed, others fail with the kubelet's words; named ports and headers", async () => {
    const seen: string[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        seen.push(`${req.url} ${req.headers["x-probe"]} ${req.headers["user-agent"]}`);
        res.statusCode = req.url === "/bad" ? 500 : 302;
        res.end();
      }),
    );
    const t = {
      runtime: new FakeRuntime(new FakeClock()),
      containerId: "x",
      container: container(port),
      podIP: "127.0.0.1",
    };
    const ok = await runHandler(
      {
        kind: "httpGet",
        path: "/healthz",
        port: "http",
        scheme: "HTTP",
        headers: [{ name: "X-Probe", value: "1" }],
      },
      t,
      1000,
    );
    expect(ok).toEqual({ ok: true, output: "" });
    expect(seen[0]).toBe("/healthz 1 kube-probe/1.32");
    const bad = await runHandler(
      { kind: "httpGet", path: "/bad", port, scheme: "HTTP", headers: [] },
      t,
      1000,
    );
    expect(bad).toEqual({ ok: false, output: "HTTP probe failed with statuscode: 500" });
  });

  it("httpGet and tcpSocket: a closed port is refused", async () => {
    const port = await listen(net.createServer());
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 10));
    const t = {
      runtime: new FakeRuntime(new FakeClock()),
      containerId: "x",
      container: container(port),
      podIP: "127.0.0.1",
    };
    const h = await runHandler({ kind: "httpGet", path: "/", port, scheme: "HTTP", headers: [] }, t, 1000);
    expect(h).toEqual({ ok: false, output: `Get "http://127.0.0.1:${port}/": connect: connection refused` });
    const tcp = await runHandler({ kind: "tcpSocket", port }, t, 1000);
    expect(tcp).toEqual({ ok: false, output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  it("tcpSocket: a listening port succeeds", async () => {
    const port = await listen(net.createServer((s) => s.end()));
    const t = {
      runtime: new FakeRuntime(new FakeClock()),
      containerId: "x",
      container: container(port),
      podIP: "127.0.0.1",
    };
    expect(await runHandler({ kind: "tcpSocket", port: "http" }, t, 1000)).toEqual({ ok: true, output: "" });
  });

  it("httpGet: a slow server times out", async () => {
    const port = await listen(http.createServer(() => {}));
    const t = {
      runtime: new FakeRuntime(new FakeClock()),
      containerId: "x",
      container: container(port),
      podIP: "127.0.0.1",
    };
    const r = await runHandler({ kind: "httpGet", path: "/", port, scheme: "HTTP", headers: [] }, t, 200);
    expect(r.ok).toBe(false);
    expect(r.output).toContain("context deadline exceeded");
  });
});
