// The engine end to end with the real docker CLI: a busybox image made with `docker import`,
// then the container workflow of the Docker notes — run (attached, detached, interactive
// through a real TTY), ps, logs, exec, stop/kill/restart/wait, rename, inspect, top, stats,
// port, published ports answering on the host, named volumes outliving their container,
// restart policies acting on real exits, and memory limits that OOM-kill.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "./support/busybox-image.js";
import { freePort } from "./support/child.js";
import { startEngineServer, type EngineServer } from "./support/engine-server.js";
import { requireTool, runOk } from "./support/tools.js";

const haveTools =
  requireTool("docker") &&
  requireTool("runc") &&
  requireTool("conmon") &&
  requireTool("busybox") &&
  requireTool("script");

describe.skipIf(!haveTools)("containers through the docker CLI", () => {
  let engine: EngineServer;
  let work: string;

  const docker = (...args: string[]) => engine.docker(args);
  const dockerOk = async (...args: string[]) => (await engine.dockerOk(args)).stdout.trim();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-containers-"));
    engine = await startEngineServer();
    const tar = await busyboxRootfsTar(work);
    await dockerOk("import", "--change", 'CMD ["sh"]', tar, "busybox:latest");
  });

  afterAll(async () => {
    await engine?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("answers docker version and docker info", async () => {
    const version = await dockerOk("version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}");
    expect(version).toMatch(/^1\.\d+ linux$/);
    const info = await dockerOk("info", "--format", "{{.Images}} {{.OSType}}");
    expect(info).toBe("1 linux");
  });

  it("runs a container attached: output, stderr and the real exit code", async () => {
    const result = await docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toBe("err\n");
    const ok = await docker(
      "run",
      "--rm",
      "-e",
      "GREETING=hi",
      "-w",
      "/tmp",
      "busybox",
      "sh",
      "-c",
      "echo $GREETING $(pwd) $(id -u)",
    );
    expect(ok.stdout).toBe("hi /tmp 0\n");
    const user = await docker(
      "run",
      "--rm",
      "-u",
      "65534",
      "--hostname",
      "box",
      "busybox",
      "sh",
      "-c",
      "echo $(id -u) $(hostname)",
    );
    expect(user.stdout).toBe("65534 box\n");
    // --rm removed both containers.
    expect(await dockerOk("ps", "-aq")).toBe("");
  });

  it("pipes stdin with -i and gives a real TTY with -it", async () => {
    const piped = await engine.docker(["run", "--rm", "-i", "busybox", "sh", "-c", "tr a-z A-Z"], {
      input: "hello\n",
    });
    expect(piped.stdout).toBe("HELLO\n");
    // `script` gives the docker CLI a pseudo-terminal, as a user's shell does.
    const session = await runOk(
      "script",
      ["-qec", "docker run --rm -it busybox sh -c 'tty; read line; echo got-$line'", "/dev/null"],
      { env: engine.dockerEnv, input: "typed\n", timeoutMs: 60_000 },
    );
    expect(session.stdout).toContain("/dev/pts/0");
    expect(session.stdout).toContain("got-typed");
  });

  it("lists, logs, execs, stops and waits on a detached container", async () => {
    const id = await dockerOk(
      "run",
      "-d",
      "--name",
      "ticker",
      "busybox",
      "sh",
      "-c",
      "trap 'exit 143' TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done",
    );
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await dockerOk("ps", "-q")).toBe(id.slice(0, 12));
    expect(await dockerOk("ps", "--filter", "name=ticker", "--format", "{{.Names}} {{.Status}}")).toMatch(
      /^ticker Up /,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const tail = await dockerOk("logs", "--tail", "2", "ticker");
    expect(tail.split("\n")).toHaveLength(2);
    const stamped = await dockerOk("logs", "-t", "--tail", "1", "ticker");
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z tick \d+$/);
    expect(await dockerOk("exec", "ticker", "sh", "-c", "echo inside $$")).toMatch(/^inside \d+$/);
    const failing = await docker("exec", "ticker", "sh", "-c", "exit 7");
    expect(failing.code).toBe(7);
    const top = await dockerOk("top", "ticker");
    expect(top).toMatch(/PID/);
    expect(top).toMatch(/sh -c/);
    const stats = await dockerOk("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "ticker");
    expect(stats).toMatch(/^ticker \d/);
    await dockerOk("rename", "ticker", "ticker2");
    const stopped = Date.now();
    await dockerOk("stop", "-t", "5", "ticker2");
    expect(Date.now() - stopped).toBeLessThan(4000); // its SIGTERM trap exits: no need for SIGKILL
    expect(await dockerOk("wait", "ticker2")).toBe("143");
    expect(await dockerOk("ps", "-a", "--filter", "name=ticker2", "--format", "{{.Status}}")).toMatch(
      /^Exited \(143\)/,
    );
    await dockerOk("rm", "ticker2");
  });

  it("sends SIGKILL after the grace period to a container that ignores SIGTERM", async () => {
    await dockerOk(
      "run",
      "-d",
      "--name",
      "stubborn",
      "busybox",
      "sh",
      "-c",
      "trap '' TERM; while true; do sleep 0.1; done",
    );
    const started = Date.now();
    await dockerOk("stop", "-t", "1", "stubborn");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await dockerOk("inspect", "-f", "{{.State.ExitCode}}", "stubborn")).toBe("137");
    await dockerOk("restart", "stubborn");
    expect(await dockerOk("inspect", "-f", "{{.State.Running}}", "stubborn")).toBe("true");
    await dockerOk("kill", "stubborn");
    expect(await dockerOk("wait", "stubborn")).toBe("137");
    await dockerOk("rm", "stubborn");
  });

  it("publishes a busybox httpd on the host and reaches containers by IP", async () => {
    const port = await freePort();
    await dockerOk(
      "run",
      "-d",
      "--name",
      "web",
      "-p",
      `${port}:80`,
      "busybox",
      "sh",
      "-c",
      "mkdir -p /www && echo hello-from-httpd > /www/index.html && httpd -f -p 80 -h /www",
    );
    expect(await dockerOk("port", "web")).toContain(`80/tcp -> 0.0.0.0:${port}`);
    let body = "";
    for (let i = 0; i < 50 && body === ""; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => "",
      );
      if (body === "") await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toBe("hello-from-httpd\n");
    const ip = await dockerOk("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web");
    expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    const fromPeer = await dockerOk("run", "--rm", "busybox", "wget", "-qO-", `http://${ip}/`);
    expect(fromPeer).toBe("hello-from-httpd");
    const hosts = await dockerOk("exec", "web", "cat", "/etc/hosts");
    expect(hosts).toContain(ip);
    // The port is taken now: a second container asking for it is refused and not left behind.
    const clash = await docker("run", "-d", "--name", "web2", "-p", `${port}:80`, "busybox", "sleep", "10");
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toMatch(/port is already allocated|address already in use/);
    await dockerOk("rm", "-f", "web", "web2");
  });

  it("keeps a named volume's data after its container is removed", async () => {
    await dockerOk("volume", "create", "keep");
    await dockerOk("run", "--rm", "-v", "keep:/data", "busybox", "sh", "-c", "echo persisted > /data/file");
    expect(await dockerOk("run", "--rm", "-v", "keep:/data:ro", "busybox", "cat", "/data/file")).toBe(
      "persisted",
    );
    expect(await dockerOk("volume", "ls", "-q")).toContain("keep");
    const hostDir = await mkdtemp(join(work, "bind-"));
    await dockerOk("run", "--rm", "-v", `${hostDir}:/host`, "busybox", "sh", "-c", "echo bound > /host/f");
    expect(await dockerOk("run", "--rm", "-v", `${hostDir}:/host:ro`, "busybox", "cat", "/host/f")).toBe(
      "bound",
    );
    const readOnly = await docker("run", "--rm", "-v", `${hostDir}:/host:ro`, "busybox", "touch", "/host/g");
    expect(readOnly.code).not.toBe(0);
    await dockerOk("volume", "rm", "keep");
  });

  it("restarts a crashing container with --restart on-failure:N", async () => {
    await dockerOk(
      "run",
      "-d",
      "--name",
      "crasher",
      "--restart",
      "on-failure:2",
      "busybox",
      "sh",
      "-c",
      "echo run; exit 1",
    );
    let state = "";
    for (let i = 0; i < 100; i++) {
      state = await dockerOk(
        "inspect",
        "-f",
        "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}",
        "crasher",
      );
      if (state === "2 exited 1") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe("2 exited 1");
    expect((await dockerOk("logs", "crasher")).split("\n")).toEqual(["run", "run", "run"]);
    await dockerOk("rm", "crasher");
  });

  it("OOM-kills a container over its --memory limit and reports it", async () => {
    const result = await docker(
      "run",
      "--name",
      "hog",
      "--memory",
      "16m",
      "busybox",
      "sh",
      "-c",
      "head -c 100m /dev/zero | tail",
    );
    expect(result.code).toBe(137);
    expect(await dockerOk("inspect", "-f", "{{.State.OOMKilled}} {{.HostConfig.Memory}}", "hog")).toBe(
      "true 16777216",
    );
    await dockerOk("rm", "hog");
  });

  it("answers bad requests with Docker's messages and leaves nothing behind", async () => {
    const unknown = await docker("run", "--rm", "--pull", "never", "nosuchimage:1");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/No such image: nosuchimage:1/);
    await dockerOk("create", "--name", "taken", "busybox");
    const clash = await docker("create", "--name", "taken", "busybox");
    expect(clash.stderr).toMatch(/Conflict. The container name "\/taken" is already in use/);
    const badMount = await docker(
      "run",
      "--rm",
      "--mount",
      "type=bind,source=/does/not/exist,target=/x",
      "busybox",
      "true",
    );
    expect(badMount.stderr).toMatch(/bind source path does not exist: \/does\/not\/exist/);
    expect(await dockerOk("ps", "-a", "--format", "{{.Names}}")).toBe("taken");
    await dockerOk("rm", "taken");
  });
});
