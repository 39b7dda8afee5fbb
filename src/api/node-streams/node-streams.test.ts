// The API server's NodeStreamsClient against a node's stream endpoint (agent/stream-server.ts)
// over real TLS, with PodStreams of local processes standing in for the engine.
import { spawn } from "node:child_process";
import { connect, createServer, type Server } from "node:net";
import { PassThrough, Readable, type Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStreamServer, type StreamServer } from "../../agent/stream-server.js";
import { createCa, createClientCert, type KeyAndCert } from "../auth/certs.js";
import { ApiError, badRequest } from "../errors.js";
import { logger } from "../registry/registry.test-util.js";
import type { ExecRequest, ExecSession, PodStreams } from "../streams.js";
import type { KubeObject } from "../types.js";
import { NodeStreamsClient, nodeEndpoint, type NodeEndpoint } from "./client.js";
import { STREAM_CA_ANNOTATION, STREAM_CLIENT_USER } from "./protocol.js";

const pod: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", uid: "u1" } };

class LocalStreams implements PodStreams {
  constructor(readonly echoPort: () => number) {}
  logs(): Promise<Readable> {
    return Promise.resolve(Readable.from([Buffer.from("line 1\nline 2\n")]));
  }
  exec(_pod: KubeObject, req: ExecRequest): Promise<ExecSession> {
    if (req.container !== "app") return Promise.reject(badRequest(`container ${req.container} is not valid`));
    const child = spawn(req.command[0] ?? "", req.command.slice(1), { stdio: "pipe" });
    return Promise.resolve({
      stdin: child.stdin,
      stdout: child.stdout.pipe(new PassThrough()),
      stderr: child.stderr.pipe(new PassThrough()),
      resize: () => undefined,
      exit: new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 255))),
    });
  }
  portForward(_pod: KubeObject, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = connect(port === 80 ? this.echoPort() : port, "127.0.0.1", () => resolve(socket));
      socket.once("error", reject);
    });
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function collect(r: Readable | undefined): Promise<string> {
  let text = "";
  for await (const c of r ?? []) text += String(c);
  return text;
}

describe("node stream endpoint", () => {
  let clusterCa: KeyAndCert;
  let endpoint: StreamServer;
  let ep: NodeEndpoint;
  let echo: Server;
  const client = (cert: Promise<KeyAndCert>) =>
    new NodeStreamsClient({ node: async () => ep, clientCert: cert });

  beforeAll(async () => {
    clusterCa = await createCa({ commonName: "cluster" });
    echo = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    endpoint = await createStreamServer({
      host: "127.0.0.1",
      port: await freePort(),
      clusterCaPem: clusterCa.certPem,
      logger,
    });
    await endpoint.listen(new LocalStreams(() => (echo.address() as { port: number }).port));
    ep = nodeEndpoint({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n2", annotations: { [STREAM_CA_ANNOTATION]: endpoint.caPem } },
      status: {
        addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
        daemonEndpoints: { kubeletEndpoint: { Port: endpoint.port } },
      },
    });
  }, 30_000);

  afterAll(async () => {
    await endpoint?.close();
    echo?.close();
  });

  it("carries logs, exec (stdin, stdout, stderr, exit code) and port-forward", async () => {
    const api = client(createClientCert(clusterCa, { user: STREAM_CLIENT_USER }));
    const logs = await api.logs(
      pod,
      { container: "app", follow: false, previous: false, timestamps: false },
      new AbortController().signal,
    );
    expect(await collect(logs)).toBe("line 1\nline 2\n");

    const session = await api.exec(pod, {
      container: "app",
      command: ["sh", "-c", "tr a-z A-Z; echo oops >&2; exit 5"],
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
    session.stdin?.end("shout\n");
    const [out, err, code] = await Promise.all([
      collect(session.stdout),
      collect(session.stderr),
      session.exit,
    ]);
    expect([out, err, code]).toEqual(["SHOUT\n", "oops\n", 5]);

    const conn = await api.portForward(pod, 80);
    conn.write("ping");
    const echoed = await new Promise<string>((r) => conn.once("data", (d: Buffer) => r(String(d))));
    expect(echoed).toBe("ping");
    conn.destroy();
  });

  it("passes the node's errors on as API errors", async () => {
    const api = client(createClientCert(clusterCa, { user: STREAM_CLIENT_USER }));
    const req = {
      container: "nope",
      command: ["true"],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    };
    await expect(api.exec(pod, req)).rejects.toMatchObject({
      reason: "BadRequest",
      message: "container nope is not valid",
    });
  });

  it("admits only the API server's certificate from the cluster CA", async () => {
    const other = await createCa({ commonName: "someone else" });
    const outsider = client(createClientCert(other, { user: STREAM_CLIENT_USER }));
    const opts = { container: "app", follow: false, previous: false, timestamps: false };
    await expect(outsider.logs(pod, opts, new AbortController().signal)).rejects.toBeInstanceOf(ApiError);
    const wrongUser = client(createClientCert(clusterCa, { user: "system:node:n3" }));
    await expect(wrongUser.logs(pod, opts, new AbortController().signal)).rejects.toMatchObject({
      reason: "Forbidden",
    });
  });

  it("says when a node publishes no endpoint", () => {
    expect(() => nodeEndpoint({ apiVersion: "v1", kind: "Node", metadata: { name: "n9" } })).toThrow(
      /node "n9" publishes no stream endpoint/,
    );
  });
});
