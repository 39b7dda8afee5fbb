// The engine on a temp unix socket over the fakes, and two small clients for its tests: an
// HTTP request helper, and a raw connection that speaks the hijack protocol as the docker CLI
// does (request with `Upgrade: tcp`, then a duplex byte stream).
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startEngine, type Engine } from "../server.js";
import { FakeContainers } from "./fake-containers.js";
import { FakeImages, FakeVolumes, fakeImage } from "./fake-images.js";

export interface TestEngine {
  engine: Engine;
  dir: string;
  socketPath: string;
  images: FakeImages;
  containers: FakeContainers;
  volumes: FakeVolumes;
  request(
    method: string,
    path: string,
    o?: { body?: string | Buffer; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
    json(): unknown;
  }>;
  close(): Promise<void>;
}

export async function startTestEngine(): Promise<TestEngine> {
  const dir = await mkdtemp(join(tmpdir(), "skiff-engine-unit-"));
  const socketPath = join(dir, "engine.sock");
  const images = new FakeImages();
  images.images.push(fakeImage(["busybox:latest"]));
  const containers = new FakeContainers(images);
  const volumes = new FakeVolumes();
  const engine = await startEngine({
    socketPath,
    services: { images, containers, volumes },
    logger: pino({ level: "silent" }),
  });
  return {
    engine,
    dir,
    socketPath,
    images,
    containers,
    volumes,
    request(method, path, o = {}) {
      return new Promise((resolve, reject) => {
        const req = httpRequest({ socketPath, method, path, headers: o.headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              json: () => JSON.parse(body.toString()) as unknown,
            });
          });
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(o.body);
      });
    },
    async close() {
      await engine.close(500);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw hijacked connection: the response head once read, then the bytes that follow. */
export interface RawConnection {
  socket: Socket;
  head: Promise<{ statusLine: string; headers: Record<string, string> }>;
  /** Everything received after the head, until the server closes the connection. */
  rest: Promise<Buffer>;
}

/** Sends `POST path` with `Upgrade: tcp` (and an optional JSON body) as the docker CLI does. */
export function rawUpgrade(socketPath: string, path: string, body?: string): RawConnection {
  const socket = connect(socketPath);
  const bodyBytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
      (body === undefined
        ? ""
        : `Content-Type: application/json\r\nContent-Length: ${bodyBytes.length}\r\n`) +
      "\r\n",
  );
  if (bodyBytes.length > 0) socket.write(bodyBytes);
  let received = Buffer.alloc(0);
  let resolveHead: (h: { statusLine: string; headers: Record<string, string> }) => void = () => undefined;
  const head = new Promise<{ statusLine: string; headers: Record<string, string> }>((r) => (resolveHead = r));
  let headDone = false;
  let afterHead = 0;
  const rest = new Promise<Buffer>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (headDone) return;
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      headDone = true;
      afterHead = end + 4;
      const [statusLine = "", ...lines] = received.subarray(0, end).toString().split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolveHead({ statusLine, headers });
    });
    socket.on("close", () => resolve(received.subarray(afterHead)));
    socket.on("error", reject);
  });
  return { socket, head, rest };
}
