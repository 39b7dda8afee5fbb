import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameDecoder, StreamType, demux } from "./stdcopy.js";
import { rawUpgrade, startTestEngine, type TestEngine } from "./testing/harness.js";

describe("hijacked attach and exec over a real unix socket", () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t.close();
  });

  async function createContainer(cmd: string[], o: { tty?: boolean } = {}): Promise<string> {
    const res = await t.request("POST", "/v1.50/containers/create", {
      body: JSON.stringify({ Image: "busybox", Cmd: cmd, Tty: o.tty === true, OpenStdin: true }),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    return (res.json() as { Id: string }).Id;
  }

  it("answers 101 UPGRADED, forwards stdin, and closes after the output on stdin EOF", async () => {
    const id = await createContainer(["cat"]);
    const conn = rawUpgrade(
      t.socketPath,
      `/v1.50/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`,
    );
    const head = await conn.head;
    expect(head.statusLine).toBe("HTTP/1.1 101 UPGRADED");
    expect(head.headers).toMatchObject({
      "content-type": "application/vnd.docker.multiplexed-stream",
      connection: "Upgrade",
      upgrade: "tcp",
    });
    expect((await t.request("POST", `/containers/${id}/start`)).status).toBe(204);
    conn.socket.write("hello\n");
    conn.socket.end(); // the CLI half-closes when its stdin ends
    const frames = new FrameDecoder().push(await conn.rest);
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([[StreamType.stdout, "hello\n"]]);
  });

  it("keeps stdin written before the start, and sends raw bytes with a TTY", async () => {
    const id = await createContainer(["cat"], { tty: true });
    const conn = rawUpgrade(t.socketPath, `/containers/${id}/attach?stream=1&stdin=1&stdout=1`);
    const head = await conn.head;
    expect(head.headers["content-type"]).toBe("application/vnd.docker.raw-stream");
    conn.socket.write("early\n");
    await new Promise((r) => setTimeout(r, 20));
    await t.request("POST", `/containers/${id}/start`);
    conn.socket.end();
    expect((await conn.rest).toString()).toBe("early\n");
  });

  it("answers errors before the upgrade as an ordinary JSON response", async () => {
    const conn = rawUpgrade(t.socketPath, "/containers/nope/attach?stream=1&stdout=1");
    const head = await conn.head;
    expect(head.statusLine).toBe("HTTP/1.1 404 Not Found");
    expect(JSON.parse((await conn.rest).toString())).toEqual({ message: "No such container: nope" });
  });

  it("refuses an upgrade on a route that is not hijackable", async () => {
    const conn = rawUpgrade(t.socketPath, "/containers/abc/start");
    expect((await conn.head).statusLine).toBe("HTTP/1.1 400 Bad Request");
    await conn.rest;
  });

  it("streams attach output without an upgrade as a plain response", async () => {
    const id = await createContainer(["both"]);
    const pending = t.request("POST", `/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    await new Promise((r) => setTimeout(r, 20));
    await t.request("POST", `/containers/${id}/start`);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.docker.multiplexed-stream");
    expect(demux(res.body)).toEqual({ stdout: "to-stdout\n", stderr: "to-stderr\n" });
  });

  it("starts an exec with its JSON body on the upgraded connection, stdin following it", async () => {
    const id = await createContainer(["sleep"]);
    await t.request("POST", `/containers/${id}/start`);
    const created = await t.request("POST", `/containers/${id}/exec`, {
      body: JSON.stringify({ Cmd: ["cat"], AttachStdin: true, AttachStdout: true }),
      headers: { "Content-Type": "application/json" },
    });
    expect(created.status).toBe(201);
    const execId = (created.json() as { Id: string }).Id;
    const conn = rawUpgrade(
      t.socketPath,
      `/v1.50/exec/${execId}/start`,
      JSON.stringify({ Detach: false, Tty: false }),
    );
    expect((await conn.head).statusLine).toBe("HTTP/1.1 101 UPGRADED");
    conn.socket.end("via exec\n");
    expect(demux(await conn.rest).stdout).toBe("via exec\n");
    const inspect = await t.request("GET", `/exec/${execId}/json`);
    expect(inspect.json()).toMatchObject({ ExitCode: 0, Running: false });
    const missing = await t.request("POST", "/containers/none/exec", {
      body: JSON.stringify({ Cmd: [] }),
      headers: { "Content-Type": "application/json" },
    });
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ message: "No exec command specified" });
  });
});
