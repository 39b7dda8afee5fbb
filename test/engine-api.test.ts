// The engine's wire protocol proven with the real docker CLI: the engine on a temp unix socket
// over in-memory services (src/engine/testing), so what is tested here is the Docker Engine
// API itself — version negotiation, hijacked attach and exec with stdcopy framing, the
// wait-before-start ordering of `docker run`, logs, progress streams, errors. The real
// services under the same CLI are tested in engine-containers/engine-images.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine, type Engine } from "../src/engine/server.js";
import { FakeContainers } from "../src/engine/testing/fake-containers.js";
import { FakeImages, FakeVolumes, fakeImage } from "../src/engine/testing/fake-images.js";
import { findTool, requireTool, run, type RunOptions } from "./support/tools.js";

const haveDocker = requireTool("docker");

describe.skipIf(!haveDocker)("Docker Engine API with the real docker CLI", () => {
  let work: string;
  let engine: Engine;
  let images: FakeImages;
  let containers: FakeContainers;
  const logLines: Array<Record<string, unknown>> = [];

  const docker = (args: string[], o: RunOptions = {}) =>
    run(findTool("docker") as string, args, {
      timeoutMs: 30_000,
      ...o,
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${engine.socketPath}`,
        DOCKER_CONFIG: join(work, "docker-config"),
      },
    });
  const dockerOk = async (args: string[], o: RunOptions = {}) => {
    const r = await docker(args, o);
    if (r.code !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-engine-api-"));
    images = new FakeImages();
    images.images.push(fakeImage(["busybox:latest"]));
    containers = new FakeContainers(images);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    engine = await startEngine({
      socketPath: join(work, "engine.sock"),
      services: { images, containers, volumes: new FakeVolumes() },
      logger: pino({ level: "info" }, sink),
      identity: { rootDir: join(work, "data") },
    });
  });

  afterAll(async () => {
    await engine?.close(1000);
    await rm(work, { recursive: true, force: true });
  });

  it("negotiates the API version and answers version and info", async () => {
    expect(
      await dockerOk(["version", "--format", "{{.Server.APIVersion}} {{.Server.Os}} {{.Client.APIVersion}}"]),
    ).toBe("1.51 linux 1.50");
    expect(
      await dockerOk(["info", "--format", "{{.Images}} {{.OSType}} {{.Driver}} {{.DefaultRuntime}}"]),
    ).toBe("1 linux overlay2 runc");
    // The CLI spoke /v1.50/…, and every request left one log line.
    const urls = logLines.map((l) => String(l.url));
    expect(urls).toContain("/_ping");
    expect(urls.some((u) => u.startsWith("/v1.50/version"))).toBe(true);
  });

  it("runs attached: output, the exit code, and wait registered before start", async () => {
    containers.calls.length = 0;
    const ok = await docker(["run", "--rm", "busybox", "echo", "hello", "world"]);
    expect(ok).toMatchObject({ code: 0, stdout: "hello world\n", stderr: "" });
    expect(containers.calls).toEqual(["create", "attach", "wait:removed", "start"]);
    expect(await dockerOk(["ps", "-aq"])).toBe("");

    const failed = await docker(["run", "busybox", "fail", "3", "oops"]);
    expect(failed).toMatchObject({ code: 3, stdout: "", stderr: "oops\n" });
    const both = await docker(["run", "--rm", "busybox", "both"]);
    expect(both).toMatchObject({ code: 0, stdout: "to-stdout\n", stderr: "to-stderr\n" });
  });

  it("pipes stdin through the hijacked connection and closes it at EOF", async () => {
    const piped = await docker(["run", "--rm", "-i", "busybox", "cat"], { input: "line one\nline two\n" });
    expect(piped).toMatchObject({ code: 0, stdout: "line one\nline two\n" });
  });

  it("gives raw TTY streams to run -it and exec -it under a real terminal", async () => {
    if (!requireTool("script")) return;
    const session = await run("script", ["-qec", "docker run --rm -it busybox echo from-tty", "/dev/null"], {
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${engine.socketPath}`,
        DOCKER_CONFIG: join(work, "docker-config"),
      },
      timeoutMs: 30_000,
    });
    expect(session.code).toBe(0);
    expect(session.stdout).toContain("from-tty");
    await dockerOk(["run", "-d", "--name", "ttyhost", "busybox", "sleep"]);
    const exec = await run("script", ["-qec", "docker exec -it ttyhost both", "/dev/null"], {
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${engine.socketPath}`,
        DOCKER_CONFIG: join(work, "docker-config"),
      },
      timeoutMs: 30_000,
    });
    expect(exec.code).toBe(0);
    // A TTY has one stream: what the process wrote to stderr arrives on the terminal too.
    expect(exec.stdout).toContain("to-stdout");
    expect(exec.stdout).toContain("to-stderr");
    await dockerOk(["rm", "-f", "ttyhost"]);
  });

  it("serves top, stats, export, prune and system df", async () => {
    await dockerOk(["run", "-d", "--name", "busy", "busybox", "sleep"]);
    expect(await dockerOk(["top", "busy"])).toMatch(/PID\s+CMD\n1\s+sleep/);
    expect(await dockerOk(["stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "busy"])).toMatch(
      /^busy 1KiB/,
    );
    const exported = join(work, "busy.tar");
    await dockerOk(["export", "-o", exported, "busy"]);
    await dockerOk(["rm", "-f", "busy"]);
    await dockerOk(["create", "--name", "idle", "busybox"]);
    expect(await dockerOk(["container", "prune", "-f"])).toContain("Deleted Containers:");
    expect(await dockerOk(["ps", "-aq"])).toBe("");
    expect(await dockerOk(["system", "df", "--format", "{{.Type}}"])).toContain("Images");
    expect(await dockerOk(["events", "--since", "1", "--until", "2"])).toBe("");
  });

  it("runs detached, lists, logs, execs, stops and removes", async () => {
    const id = await dockerOk(["run", "-d", "--name", "sleeper", "busybox", "sleep"]);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await dockerOk(["ps", "--format", "{{.Names}} {{.State}}"])).toBe("sleeper running");
    expect(await dockerOk(["inspect", "-f", "{{.State.Running}} {{.Name}}", "sleeper"])).toBe(
      "true /sleeper",
    );

    const exec = await docker(["exec", "sleeper", "both"]);
    expect(exec).toMatchObject({ code: 0, stdout: "to-stdout\n", stderr: "to-stderr\n" });
    const execFail = await docker(["exec", "sleeper", "fail", "7", "bad"]);
    expect(execFail).toMatchObject({ code: 7, stderr: "bad\n" });
    const execIn = await docker(["exec", "-i", "sleeper", "cat"], { input: "typed\n" });
    expect(execIn.stdout).toBe("typed\n");

    await dockerOk(["stop", "-t", "1", "sleeper"]);
    expect(await dockerOk(["wait", "sleeper"])).toBe("143");
    await dockerOk(["rm", "sleeper"]);

    await dockerOk(["run", "--name", "talker", "busybox", "both"]);
    const logs = await docker(["logs", "talker"]);
    expect(logs).toMatchObject({ stdout: "to-stdout\n", stderr: "to-stderr\n" });
    const stamped = await docker(["logs", "-t", "--tail", "1", "talker"]);
    expect(stamped.stdout).toBe("");
    expect(stamped.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z to-stderr\n$/);
    await dockerOk(["rm", "talker"]);
  });

  it("answers errors with Docker's messages", async () => {
    const missing = await docker(["inspect", "nosuch"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No such object: nosuch/);
    const noImage = await docker(["run", "--pull", "never", "nosuchimage:1"]);
    expect(noImage.stderr).toMatch(/No such image: nosuchimage:1/);
    await dockerOk(["create", "--name", "taken", "busybox"]);
    const clash = await docker(["create", "--name", "taken", "busybox"]);
    expect(clash.stderr).toMatch(/Conflict. The container name "\/taken" is already in use/);
    const badSignal = await docker(["kill", "-s", "NOPE", "taken"]);
    expect(badSignal.stderr).toMatch(/Invalid signal: NOPE/);
    await dockerOk(["rm", "taken"]);
  });

  it("pulls with progress and credentials, pushes, tags, logs in and removes images", async () => {
    const denied = await docker(["login", "-u", "skiff", "--password-stdin", "127.0.0.1:5999"], {
      input: "wrong",
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/incorrect username or password/);
    await dockerOk(["login", "-u", "skiff", "--password-stdin", "127.0.0.1:5999"], { input: "secret" });

    const pull = await dockerOk(["pull", "127.0.0.1:5999/team/app:v1"]);
    expect(pull).toContain("Pull complete");
    expect(pull).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    expect(pull).toContain("Status: Downloaded newer image for 127.0.0.1:5999/team/app:v1");
    expect(images.credentialsSeen.at(-1)).toEqual({ username: "skiff", password: "secret" });

    const broken = await docker(["pull", "127.0.0.1:5999/team/broken:v1"]);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain("unexpected EOF");

    // `docker run` of a missing image: create says 404, the CLI pulls, then creates again.
    const autoPull = await docker(["run", "--rm", "127.0.0.1:5999/team/fresh:v3", "echo", "pulled-and-ran"]);
    expect(autoPull).toMatchObject({ code: 0, stdout: "pulled-and-ran\n" });
    expect(autoPull.stderr).toContain("Unable to find image '127.0.0.1:5999/team/fresh:v3' locally");
    await dockerOk(["rmi", "127.0.0.1:5999/team/fresh:v3"]);

    await dockerOk(["tag", "127.0.0.1:5999/team/app:v1", "127.0.0.1:5999/team/app:v2"]);
    const push = await dockerOk(["push", "127.0.0.1:5999/team/app:v2"]);
    expect(push).toMatch(/v2: digest: sha256:[0-9a-f]{64} size: 528/);

    const listed = await dockerOk(["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    expect(listed.split("\n").sort()).toEqual([
      "127.0.0.1:5999/team/app:v1",
      "127.0.0.1:5999/team/app:v2",
      "busybox:latest",
    ]);
    expect(await dockerOk(["image", "inspect", "-f", "{{json .Config.Cmd}} {{.Os}}", "busybox"])).toBe(
      '["sh"] linux',
    );
    const rmi = await dockerOk(["rmi", "127.0.0.1:5999/team/app:v2"]);
    expect(rmi).toContain("Untagged: 127.0.0.1:5999/team/app:v2");
  });

  it("imports, saves and loads archives", async () => {
    const tar = join(work, "rootfs.tar");
    await writeFile(tar, Buffer.alloc(10_240));
    const imported = await dockerOk(["import", "--change", 'CMD ["sh"]', tar, "imported:v1"]);
    expect(imported).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await dockerOk(["images", "-q", "imported:v1"])).toBe(imported.slice(7, 19));

    const archive = join(work, "saved.tar");
    await dockerOk(["save", "-o", archive, "imported:v1"]);
    const loaded = await dockerOk(["load", "-i", archive]);
    expect(loaded).toContain("Loaded image: loaded:v1");
  });

  it("manages volumes and lists the fixed networks", async () => {
    await dockerOk(["volume", "create", "--label", "team=a", "data1"]);
    expect(await dockerOk(["volume", "ls", "-q"])).toBe("data1");
    expect(await dockerOk(["volume", "inspect", "-f", "{{.Driver}} {{.Labels.team}}", "data1"])).toBe(
      "local a",
    );
    await dockerOk(["volume", "rm", "data1"]);
    const gone = await docker(["volume", "inspect", "data1"]);
    expect(gone.stderr).toMatch(/no such volume/);
    expect((await dockerOk(["network", "ls", "--format", "{{.Name}}"])).split("\n").sort()).toEqual([
      "bridge",
      "host",
      "none",
    ]);
  });
});
