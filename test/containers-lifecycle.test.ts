// ContainerService over the real modules (root, runc, conmon, CNI): a busybox image imported
// into ImageService, overlay root filesystems, a test bridge, volumes. Shows Docker's
// semantics end to end: exit codes through wait, Docker's errors with nothing left behind,
// on-failure restarts with back-off, stop escalating to SIGKILL, AutoRemove, volumes, exec,
// and a second ContainerService on the same directories taking over running and exited
// containers (what a server restart does).
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageService } from "../src/images/service.js";
import { NetworkManager } from "../src/net/manager.js";
import { ContainerService } from "../src/runtime/containers.js";
import { Runtime } from "../src/runtime/runtime.js";
import { SnapshotRootfs } from "../src/runtime/snapshot-rootfs.js";
import { VolumeStore } from "../src/runtime/volumes.js";
import { OverlaySnapshotter } from "../src/snapshots/overlay.js";
import type { ContainerCreateBody } from "../src/runtime/docker-api-types.js";
import { makeBusyboxRootfs, removeCgroupParent, testCgroupParent } from "./runtime-fixture.js";
import { requireTool, runOk } from "./support/tools.js";

const PLUGINS = "/usr/lib/cni";
function pluginsPresent(): boolean {
  if (["bridge", "host-local", "loopback", "portmap"].every((p) => existsSync(join(PLUGINS, p)))) return true;
  if (process.env.CI === "true")
    throw new Error("CNI plugins missing in /usr/lib/cni: apt-get install containernetworking-plugins");
  return false;
}
function isRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.CI === "true") throw new Error("these tests run containers and need root");
  return false;
}

const ready =
  isRoot() &&
  ["runc", "conmon", "busybox", "tar", "iptables", "ip"].every((t) => requireTool(t)) &&
  pluginsPresent();

const rand = Math.floor(Math.random() * 0xffff);
const bridgeName = `skct${rand.toString(16)}`;
const subnet = `10.${150 + (rand % 40)}.${rand % 250}.0/24`;
const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Entry names of a tar stream, without a leading "./" or "/". */
async function tarNames(tar: Readable): Promise<string[]> {
  const names: string[] = [];
  const extract = tarStream.extract();
  extract.on("entry", (header, body, next) => {
    names.push(header.name.replace(/^\.?\//, "").replace(/\/$/, ""));
    body.on("end", next);
    body.resume();
  });
  await pipeline(tar, extract);
  return names;
}

describe.skipIf(!ready)("ContainerService with runc, conmon, overlayfs and CNI", () => {
  let base = "";
  let images: ImageService;
  let network: NetworkManager;
  let volumes: VolumeStore;
  let deps: ConstructorParameters<typeof ContainerService<Awaited<ReturnType<ImageService["get"]>>>>[0];
  let svc: ContainerService;
  const services: ContainerService[] = [];
  const cgroupParent = testCgroupParent();

  const busybox = (cmd: string, extra: Partial<ContainerCreateBody> = {}): ContainerCreateBody => ({
    Image: "busybox",
    Cmd: ["sh", "-c", cmd],
    ...extra,
  });

  async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  async function logText(s: ContainerService, ref: string): Promise<string> {
    let out = "";
    for await (const e of s.logs(ref)) out += e.line.toString();
    return out;
  }

  beforeAll(async () => {
    base = await mkdtemp("/tmp/skct-");
    const rootfs = await makeBusyboxRootfs(join(base, "rootfs"));
    const tarPath = join(base, "rootfs.tar");
    await runOk("tar", ["-C", rootfs, "-cf", tarPath, "."]);
    images = await ImageService.open({ root: join(base, "images"), logger });
    await images.importRootfs(createReadStream(tarPath), { ref: "busybox:latest", changes: ['CMD ["sh"]'] });
    const snapshots = await OverlaySnapshotter.open({ root: join(base, "snapshots") });
    network = await NetworkManager.open({
      stateDir: join(base, "net"),
      execRoot: join(base, "x"),
      bridgeName,
      subnet,
      pluginDirs: [PLUGINS],
      logger,
    });
    volumes = await VolumeStore.open({ root: join(base, "volumes") });
    deps = {
      root: join(base, "containers"),
      runtime: new Runtime({ execRoot: join(base, "x"), logger }),
      images,
      rootfs: new SnapshotRootfs(images, snapshots),
      network,
      volumes,
      logger,
      cgroupParent,
    };
    svc = new ContainerService(deps);
    services.push(svc);
    await svc.recover();
  }, 60_000);

  afterAll(async () => {
    if (svc !== undefined) {
      for (const c of svc.list({ all: true, filters: {} }))
        await svc.remove(c.Id, { force: true, volumes: true }).catch(() => undefined);
    }
    for (const s of services) s.close();
    await network?.removeNetwork().catch(() => undefined);
    await network?.close();
    images?.close();
    await removeCgroupParent(cgroupParent);
    if (base !== "") await rm(base, { recursive: true, force: true });
  }, 60_000);

  it("runs a container to its exit code, with its output in the log and Docker's inspect", async () => {
    const { Id, Warnings } = await svc.create(busybox("echo out; echo err >&2; exit 3", { Env: ["X=1"] }), {
      name: "first",
    });
    expect(Id).toMatch(/^[0-9a-f]{64}$/);
    expect(Warnings).toEqual([]);
    expect(svc.inspect("first").State.Status).toBe("created");
    const exit = svc.wait(Id, "next-exit");
    await svc.start(Id);
    expect(await exit).toEqual({ StatusCode: 3 });
    const info = svc.inspect(Id.slice(0, 12));
    expect(info.Name).toBe("/first");
    expect(info.State).toMatchObject({ Status: "exited", Running: false, ExitCode: 3, Pid: 0 });
    expect(info.Path).toBe("sh");
    expect(info.Config.Hostname).toBe(Id.slice(0, 12));
    expect(info.Image).toBe(images.get("busybox").id);
    expect(await logText(svc, Id)).toBe("out\nerr\n");
    const row = svc.list({ all: true, filters: { name: ["first"] } });
    expect(row.map((r) => [r.Names, r.State])).toEqual([[["/first"], "exited"]]);
    expect(row[0]?.Status).toMatch(/^Exited \(3\) (Less than a second|\d+ seconds?) ago$/);
    expect(await svc.wait("first", "not-running")).toEqual({ StatusCode: 3 });
    await svc.remove("first", { force: false, volumes: false });
    expect(() => svc.inspect(Id)).toThrow(`No such container: ${Id}`);
  }, 30_000);

  it("answers bad requests with Docker's errors and leaves nothing half-created", async () => {
    await svc.settled(); // directories of containers removed earlier are cleaned up in the background
    const before = await readdir(deps.root);
    const { Id } = await svc.create(busybox("true"), { name: "taken" });
    const errorOf = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: Error & { statusCode: number }) => e,
      );
    const clash = await errorOf(svc.create(busybox("true"), { name: "taken" }));
    expect(clash?.statusCode).toBe(409);
    expect(clash?.message).toBe(
      `Conflict. The container name "/taken" is already in use by container "${Id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    expect((await errorOf(svc.create(busybox("true"), { name: "x/y" })))?.message).toBe(
      "Invalid container name (x/y), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
    );
    const noImage = await errorOf(svc.create({ Image: "nosuchimage:1" }, {}));
    expect(noImage?.statusCode).toBe(404);
    expect(noImage?.message).toMatch(/No such image: nosuchimage:1/);
    const badMount = await errorOf(
      svc.create(
        busybox("true", {
          HostConfig: { Mounts: [{ Type: "bind", Source: "/does/not/exist", Target: "/x" }] },
        }),
        {},
      ),
    );
    expect(badMount?.statusCode).toBe(400);
    expect(badMount?.message).toBe(
      `invalid mount config for type "bind": bind source path does not exist: /does/not/exist`,
    );
    // A volume made for a create that then fails is removed again.
    const volumesBefore = volumes.list().length;
    const late = await errorOf(
      svc.create(
        busybox("true", {
          HostConfig: { Binds: ["fresh-vol:/v"], Mounts: [{ Type: "bind", Source: "/nope", Target: "/w" }] },
        }),
        {},
      ),
    );
    expect(late?.statusCode).toBe(400);
    expect(volumes.list().length).toBe(volumesBefore);
    expect(
      (
        await errorOf(
          svc.create(busybox("true", { HostConfig: { RestartPolicy: { Name: "sometimes" } } }), {}),
        )
      )?.statusCode,
    ).toBe(400);
    expect(svc.list({ all: true, filters: {} }).map((c) => c.Names[0])).toEqual(["/taken"]);
    expect((await readdir(deps.root)).length).toBe(before.length + 1);
    const running = await svc.create(busybox("sleep 30"), { name: "busy" });
    await svc.start(running.Id);
    const notForced = await errorOf(svc.remove("busy", { force: false, volumes: false }));
    expect(notForced?.statusCode).toBe(409);
    expect(notForced?.message).toBe(
      `cannot remove container "/busy": container is running: stop the container before removing or force remove`,
    );
    await svc.remove("busy", { force: true, volumes: false });
    await svc.remove("taken", { force: false, volumes: false });
  }, 30_000);

  it("attaches before start (docker run -i): stdin in, output out, nothing missed; logs follow ends at exit", async () => {
    const { Id } = await svc.create(
      busybox("echo ready; tr a-z A-Z; echo oops >&2; exit 4", {
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
      }),
      {},
    );
    const stream = await svc.attach(Id, {
      stdin: true,
      stdout: true,
      stderr: true,
      stream: true,
      logs: false,
    });
    const got = { stdout: "", stderr: "" };
    stream.on("data", (s, d) => (got[s] += d.toString()));
    const closed = new Promise<void>((resolve) => stream.on("close", () => resolve()));
    const exit = svc.wait(Id, "next-exit");
    await svc.start(Id);
    const followed = (async () => {
      let text = "";
      for await (const e of svc.logs(Id, { follow: true })) text += e.line.toString();
      return text;
    })();
    stream.write(Buffer.from("hello\n"));
    stream.closeStdin();
    expect(await exit).toEqual({ StatusCode: 4 });
    await closed;
    expect(got).toEqual({ stdout: "ready\nHELLO\n", stderr: "oops\n" });
    expect(await followed).toBe("ready\nHELLO\noops\n");
    const replay = await svc.attach(Id, {
      stdin: false,
      stdout: true,
      stderr: false,
      stream: false,
      logs: true,
    });
    let replayed = "";
    replay.on("data", (_s, d) => (replayed += d.toString()));
    await new Promise<void>((resolve) => replay.on("close", () => resolve()));
    expect(replayed).toBe("ready\nHELLO\n");
    await svc.remove(Id, { force: false, volumes: false });
  }, 30_000);

  it("restarts with on-failure:2 twice, then leaves the container exited", async () => {
    const { Id } = await svc.create(
      busybox("echo run; exit 1", {
        HostConfig: { RestartPolicy: { Name: "on-failure", MaximumRetryCount: 2 } },
      }),
      {
        name: "crasher",
      },
    );
    const started = Date.now();
    await svc.start(Id);
    const state = await until(() => {
      const i = svc.inspect(Id);
      return i.RestartCount === 2 && i.State.Status === "exited" ? i : undefined;
    }, "two restarts");
    expect(state.State.ExitCode).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // back-off: 100 ms + 200 ms
    expect(await logText(svc, Id)).toBe("run\nrun\nrun\n");
    await sleep(800);
    expect(svc.inspect(Id).RestartCount).toBe(2);
    await svc.remove(Id, { force: false, volumes: false });
  }, 30_000);

  it("stops with SIGTERM, and SIGKILLs a process that ignores it after the timeout", async () => {
    // PID 1 gets no default signal actions, so the process must handle SIGTERM to die of it.
    const soft = await svc.create(busybox("trap 'exit 143' TERM; while true; do sleep 0.1; done"), {
      name: "soft",
    });
    await svc.start(soft.Id);
    await sleep(300);
    let t = Date.now();
    await svc.stop("soft", { timeout: 5 });
    expect(Date.now() - t).toBeLessThan(3000);
    expect(svc.inspect("soft").State.ExitCode).toBe(143);

    const stubborn = await svc.create(
      busybox(`trap "" TERM; while true; do sleep 0.1; done`, {
        HostConfig: { RestartPolicy: { Name: "always" } },
      }),
      {
        name: "stubborn",
      },
    );
    await svc.start(stubborn.Id);
    await sleep(300); // let sh install its trap
    t = Date.now();
    await svc.stop("stubborn", { timeout: 1 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
    const info = svc.inspect("stubborn");
    expect(info.State).toMatchObject({ Status: "exited", ExitCode: 137 });
    await sleep(500);
    expect(svc.inspect("stubborn").State.Status).toBe("exited"); // a user's stop beats "always"
    await expect(svc.stop("stubborn")).rejects.toMatchObject({ statusCode: 304 });
    await svc.restart("stubborn", { timeout: 1 });
    expect(svc.inspect("stubborn").State.Running).toBe(true);
    await svc.kill("stubborn");
    expect(await svc.wait("stubborn", "not-running")).toEqual({ StatusCode: 137 });
    await expect(svc.kill("stubborn")).rejects.toMatchObject({ statusCode: 409 });
    await svc.remove("soft", { force: false, volumes: false });
    await svc.remove("stubborn", { force: false, volumes: false });
  }, 30_000);

  it("removes an AutoRemove container after its exit, anonymous volumes included", async () => {
    const { Id } = await svc.create(
      busybox("echo bye > /data/f; exit 5", { Volumes: { "/data": {} }, HostConfig: { AutoRemove: true } }),
      {},
    );
    const volumeName = svc.inspect(Id).Mounts[0]?.Name ?? "";
    expect(volumes.get(volumeName).Name).toBe(volumeName);
    const removed = svc.wait(Id, "removed");
    await svc.start(Id);
    expect(await removed).toEqual({ StatusCode: 5 });
    expect(() => svc.inspect(Id)).toThrow(/No such container/);
    expect(() => volumes.get(volumeName)).toThrow();
  }, 30_000);

  it("shares a named volume between containers and gives bridge containers an IP", async () => {
    const writer = await svc.create(
      busybox("echo persisted > /data/file", { HostConfig: { Binds: ["keep-data:/data"] } }),
      {},
    );
    const w = svc.wait(writer.Id, "next-exit");
    await svc.start(writer.Id);
    expect((await w).StatusCode).toBe(0);
    const reader = await svc.create(
      busybox("cat /data/file; ip -4 addr show eth0 | grep -q inet", {
        HostConfig: { Binds: ["keep-data:/data:ro"] },
      }),
      {},
    );
    const r = svc.wait(reader.Id, "next-exit");
    await svc.start(reader.Id);
    expect((await r).StatusCode).toBe(0);
    expect(await logText(svc, reader.Id)).toBe("persisted\n");
    await svc.remove(writer.Id, { force: false, volumes: true });
    await svc.remove(reader.Id, { force: false, volumes: true });
    expect(volumes.get("keep-data").Name).toBe("keep-data"); // named volumes stay
    await volumes.remove("keep-data", { force: false, inUseBy: [] });

    // An empty volume mounted over an image directory starts with its contents, unless nocopy.
    const copy = await svc.create(
      busybox("grep -q '^app:' /etc/passwd", {
        HostConfig: { Binds: ["copied:/etc", "empty:/home:nocopy"] },
      }),
      {},
    );
    const c = svc.wait(copy.Id, "next-exit");
    await svc.start(copy.Id);
    expect((await c).StatusCode).toBe(0);
    expect(await readdir(volumes.get("copied").Mountpoint)).toContain("passwd");
    expect(await readdir(volumes.get("empty").Mountpoint)).toEqual([]);
    await svc.remove(copy.Id, { force: false, volumes: false });
    await volumes.remove("copied", { force: false, inUseBy: [] });
    await volumes.remove("empty", { force: false, inUseBy: [] });
  }, 30_000);

  it("exports the filesystem and hands docker commit the changes as a layer", async () => {
    const { Id } = await svc.create(busybox("echo made > /made-here && rm /etc/group"), { name: "changer" });
    const done = svc.wait(Id, "next-exit");
    await svc.start(Id);
    expect((await done).StatusCode).toBe(0);
    const exported = await tarNames(svc.export("changer"));
    expect(exported).toContain("made-here");
    expect(exported).toContain("bin/busybox");
    const { image, diff, config } = svc.changesForCommit("changer");
    expect(image.id).toBe(images.get("busybox").id);
    expect(config.Cmd).toEqual(["sh", "-c", "echo made > /made-here && rm /etc/group"]);
    const changed = await tarNames(diff);
    expect(changed).toContain("made-here");
    expect(changed).toContain("etc/.wh.group");
    expect(changed).not.toContain("bin/busybox");
    expect(svc.usedImages().get(image.id)).toContain(Id);
    await svc.remove(Id, { force: false, volumes: false });
  }, 30_000);

  it("is taken over by a new service: running containers keep running, exits while down are recorded", async () => {
    const survivor = await svc.create(
      busybox("echo before; trap 'exit 0' TERM; while true; do sleep 0.1; done"),
      { name: "survivor" },
    );
    const short = await svc.create(busybox("sleep 1; echo done; exit 42"), { name: "short" });
    await svc.start(survivor.Id);
    await svc.start(short.Id);
    const ip = svc.inspect("survivor").NetworkSettings.IPAddress;
    expect(ip.startsWith(subnet.split(".").slice(0, 3).join("."))).toBe(true);
    svc.close(); // the old server stops watching; conmon keeps the containers
    await sleep(2000); // "short" exits while nobody watches

    const next = new ContainerService(deps);
    services.push(next);
    await next.recover();
    svc = next;
    expect(next.list({ all: false, filters: {} }).map((c) => c.Names[0])).toEqual(["/survivor"]);
    expect(next.inspect("short").State).toMatchObject({ Status: "exited", ExitCode: 42 });
    expect(await logText(next, "short")).toBe("done\n");
    expect(next.inspect("survivor").NetworkSettings.IPAddress).toBe(ip);
    expect(await logText(next, "survivor")).toBe("before\n");

    const execId = next.execCreate("survivor", {
      Cmd: ["sh", "-c", "echo still here; exit 7"],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await next.execStart(execId, { detach: false, tty: false });
    let out = "";
    stream?.on("data", (_s, d) => (out += d.toString()));
    await new Promise<void>((resolve) => stream?.on("close", () => resolve()));
    expect(out).toBe("still here\n");
    // The stream closes only once the exit code is known.
    expect(next.execInspect(execId)).toMatchObject({ Running: false, ExitCode: 7 });

    const waiting = next.wait("survivor", "not-running");
    await next.stop("survivor");
    expect(await waiting).toEqual({ StatusCode: 0 });
    expect(next.list({ all: false, filters: {} })).toEqual([]);
    await next.remove("survivor", { force: false, volumes: false });
    await next.remove("short", { force: false, volumes: false });
  }, 40_000);
});
