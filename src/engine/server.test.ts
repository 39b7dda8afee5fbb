import { request, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOk } from "../../test/support/tools.js";
import { startEngine } from "./server.js";
import { FakeContainers } from "./testing/fake-containers.js";
import { FakeImages, FakeVolumes } from "./testing/fake-images.js";
import { startTestEngine, type TestEngine } from "./testing/harness.js";

const json = { "Content-Type": "application/json" };

describe("engine HTTP edge", () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers /_ping with OK and the headers the CLI negotiates with", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await t.request(method, "/_ping");
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(method === "GET" ? "OK" : "");
      expect(res.headers).toMatchObject({
        "api-version": "1.51",
        "docker-experimental": "false",
        ostype: "linux",
        "builder-version": "1",
      });
      expect(res.headers["cache-control"]).toContain("no-cache");
    }
  });

  it("answers /version and /info with Docker's fields", async () => {
    expect((await t.request("GET", "/v1.41/version")).json()).toMatchObject({
      ApiVersion: "1.51",
      MinAPIVersion: "1.24",
      Os: "linux",
      Components: [{ Name: "Engine" }],
    });
    expect((await t.request("GET", "/info")).json()).toMatchObject({
      Containers: 0,
      Images: 1,
      Driver: "overlay2",
      OSType: "linux",
      CgroupDriver: "cgroupfs",
      DefaultRuntime: "runc",
    });
  });

  it("sends Docker's error bodies", async () => {
    const cases: Array<[string, string, number, string, string?]> = [
      ["GET", "/nope", 404, "page not found"],
      ["GET", "/v1.99/info", 400, "client version 1.99 is too new. Maximum supported API version is 1.51"],
      ["GET", "/containers/abc/json", 404, "No such container: abc"],
      ["POST", "/containers/create", 400, "invalid JSON: ", "{bad"],
      [
        "POST",
        "/containers/create?name=a%20b",
        400,
        "Invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
        "{}",
      ],
      [
        "POST",
        "/containers/abc/stop?t=soon",
        400,
        'invalid value for t: strconv.Atoi: parsing "soon": invalid syntax',
      ],
      ["POST", "/containers/abc/kill?signal=SIGNOPE", 400, "Invalid signal: SIGNOPE"],
      ["POST", "/containers/abc/resize?h=-1&w=2", 400, "invalid value for h: -1 is out of range [0, 65535]"],
      ["POST", "/containers/abc/wait?condition=soon", 400, 'invalid condition: "soon"'],
      ["GET", "/containers/json?filters=%7Bx", 400, "invalid filter: {x"],
      [
        "GET",
        "/containers/json?filters=%7B%22colour%22%3A%5B%22red%22%5D%7D",
        400,
        "invalid filter 'colour'",
      ],
      ["GET", "/images/nosuch:1/json", 404, "No such image: nosuch:1"],
      ["GET", "/volumes/none", 404, "get none: no such volume"],
    ];
    for (const [method, path, status, message, body] of cases) {
      const res = await t.request(method, path, body === undefined ? {} : { body, headers: json });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect((res.json() as { message: string }).message).toContain(message);
      expect(res.headers["content-type"]).toBe("application/json");
    }
  });

  it("answers 304 for a container already in the asked state", async () => {
    const created = await t.request("POST", "/containers/create", {
      body: JSON.stringify({ Image: "busybox", Cmd: ["sleep"] }),
      headers: json,
    });
    const { Id } = created.json() as { Id: string };
    expect((await t.request("POST", `/containers/${Id}/start`)).status).toBe(204);
    const again = await t.request("POST", `/containers/${Id}/start`);
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await t.request("DELETE", `/containers/${Id}?force=1`)).status).toBe(204);
  });

  it("streams pull progress as JSON lines, and an error after progress as a last line", async () => {
    const ok = await t.request("POST", "/images/create?fromImage=127.0.0.1%3A5000%2Fx&tag=v1");
    const lines = ok.body
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { status?: string });
    expect(lines.at(-1)?.status).toBe("Status: Downloaded newer image for 127.0.0.1:5000/x:v1");
    const broken = await t.request("POST", "/images/create?fromImage=broken&tag=v1");
    expect(broken.status).toBe(200);
    expect(broken.body.toString().trim().split("\n").at(-1)).toBe(
      '{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}',
    );
    const missing = await t.request("POST", "/images/create?fromImage=missing&tag=v1");
    expect(missing.status).toBe(404);
  });

  it("sends the headers of /wait before the container exits", async () => {
    const created = await t.request("POST", "/containers/create", {
      body: JSON.stringify({ Image: "busybox", Cmd: ["sleep"] }),
      headers: json,
    });
    const { Id } = created.json() as { Id: string };
    await t.request("POST", `/containers/${Id}/start`);
    // The container is killed only once the headers are in: were they held back until the
    // exit, this would never finish (the CLI would hang the same way).
    let body = "";
    const response = await new Promise<IncomingMessage>((resolve) => {
      const req = request(
        { socketPath: t.socketPath, method: "POST", path: `/containers/${Id}/wait?condition=next-exit` },
        resolve,
      );
      req.end();
    });
    expect(response.statusCode).toBe(200);
    response.on("data", (c: Buffer) => (body += c.toString()));
    const ended = new Promise((r) => response.once("end", r));
    await t.request("POST", `/containers/${Id}/kill`);
    await ended;
    expect(JSON.parse(body)).toEqual({ StatusCode: 137, Error: null });
    await t.request("DELETE", `/containers/${Id}`);
  });
});

describe("engine socket", () => {
  let dir: string;
  const services = () => {
    const images = new FakeImages();
    return { images, containers: new FakeContainers(images), volumes: new FakeVolumes() };
  };
  const logger = pino({ level: "silent" });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-engine-sock-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("listens with mode 0660, replaces a stale socket, and refuses a live one or a file", async () => {
    const socketPath = join(dir, "stale.sock");
    // A socket file left behind by a killed server: bound, never listening, nobody answers.
    await runOk("python3", [
      "-c",
      "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
      socketPath,
    ]);
    expect((await stat(socketPath)).isSocket()).toBe(true);
    const engine = await startEngine({ socketPath, services: services(), logger });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o660);
    await expect(startEngine({ socketPath, services: services(), logger })).rejects.toThrow(
      /another server is already listening/,
    );
    await engine.close();
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/);

    const file = join(dir, "file.sock");
    await writeFile(file, "not a socket");
    await expect(startEngine({ socketPath: file, services: services(), logger })).rejects.toThrow(
      /not a socket/,
    );
  });

  it("ends the events stream when it closes", async () => {
    const socketPath = join(dir, "events.sock");
    const engine = await startEngine({ socketPath, services: services(), logger });
    const received = new Promise<string>((resolve) => {
      const socket = connect(socketPath);
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("close", () => resolve(text));
      socket.write("GET /v1.50/events HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await engine.close(2000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await received).toMatch(/^HTTP\/1.1 200 OK/);
  });
});
