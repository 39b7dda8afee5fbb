// `docker save` / `docker load` compatibility with real Docker: Debian's dockerd on private
// directories (no bridge, no iptables) loads Skiff's archives, and Skiff loads Docker's
// (the legacy layout Docker 20.10 writes), with the same image IDs on both sides.
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished, pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageService } from "../src/images/service.js";
import { busyboxRootfsStream, busyboxRootfsTar } from "./support/busybox-image.js";
import { killOnExit, onLines, stopChild } from "./support/child.js";
import { requireTool, runOk } from "./support/tools.js";

const haveTools = requireTool("dockerd") && requireTool("docker") && requireTool("busybox");

describe.skipIf(!haveTools)("save/load with real Docker", () => {
  let work: string;
  let socket: string;
  let dockerd: ReturnType<typeof spawn> | undefined;
  let images: ImageService;
  const logs: string[] = [];
  const docker = (...args: string[]) =>
    runOk("docker", ["-H", `unix://${socket}`, ...args], { timeoutMs: 120_000 });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-dkr-"));
    socket = join(work, "d.sock");
    dockerd = spawn(
      "dockerd",
      [
        "--data-root",
        join(work, "data"),
        "--exec-root",
        join(work, "x"),
        "--pidfile",
        join(work, "d.pid"),
        "-H",
        `unix://${socket}`,
        "--bridge=none",
        "--iptables=false",
        "--ip-masq=false",
        "--ip-forward=false",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    killOnExit(dockerd);
    onLines(dockerd.stdout!, (l) => logs.push(l));
    onLines(dockerd.stderr!, (l) => logs.push(l));
    const deadline = Date.now() + 60_000;
    while (!(await ping(socket))) {
      if (dockerd.exitCode !== null || Date.now() > deadline)
        throw new Error(`dockerd did not start:\n${logs.slice(-20).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    images = await ImageService.open({ root: join(work, "skiff"), logger: pino({ level: "silent" }) });
  }, 90_000);

  afterAll(async () => {
    images?.close();
    if (dockerd) await stopChild(dockerd, "SIGTERM", 20_000);
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  it("Docker loads Skiff's archive with the same image ID", async () => {
    const built = await images.importRootfs(busyboxRootfsStream(), {
      ref: "skiffbox:1",
      changes: ['CMD ["sh"]', "ENV PATH=/bin"],
    });
    const archive = join(work, "skiff-save.tar");
    await saveTo(images, ["skiffbox:1"], archive);
    const loaded = await docker("load", "-i", archive);
    expect(loaded.stdout).toContain("Loaded image: skiffbox:1");
    const id = (await docker("image", "inspect", "--format", "{{.Id}}", "skiffbox:1")).stdout.trim();
    expect(id).toBe(built.id);
    const cmd = (
      await docker("image", "inspect", "--format", "{{json .Config.Cmd}}", "skiffbox:1")
    ).stdout.trim();
    expect(cmd).toBe('["sh"]');
  });

  it("Skiff loads Docker's archive (plain and gzip) with the same image ID", async () => {
    const tar = await busyboxRootfsTar(work);
    await docker("import", "--change", 'CMD ["sh"]', tar, "dockbox:2");
    const dockerId = (await docker("image", "inspect", "--format", "{{.Id}}", "dockbox:2")).stdout.trim();
    const archive = join(work, "docker-save.tar");
    await docker("save", "-o", archive, "dockbox:2");
    const messages: string[] = [];
    const loaded = await images.load(createReadStream(archive), (m) => messages.push(m.stream ?? ""));
    expect(loaded).toEqual(["dockbox:2"]);
    expect(messages).toEqual(["Loaded image: dockbox:2\n"]);
    const image = images.get("dockbox:2");
    expect(image.id).toBe(dockerId);
    expect(image.config.config?.Cmd).toEqual(["sh"]);

    await images.remove("dockbox:2", { force: false, noPrune: false, usedBy: () => [] });
    const gz = join(work, "docker-save.tar.gz");
    await pipeline(createReadStream(archive), createGzip(), createWriteStream(gz));
    await images.load(createReadStream(gz), () => undefined);
    expect(images.get("dockbox:2").id).toBe(dockerId);
  });

  it("an image Skiff loaded from Docker goes back to Docker unchanged", async () => {
    const archive = join(work, "roundtrip.tar");
    await saveTo(images, ["dockbox:2"], archive);
    await docker("rmi", "dockbox:2");
    await docker("load", "-i", archive);
    const id = (await docker("image", "inspect", "--format", "{{.Id}}", "dockbox:2")).stdout.trim();
    expect(id).toBe(images.get("dockbox:2").id);
  });
});

async function saveTo(images: ImageService, refs: string[], path: string): Promise<void> {
  const out = createWriteStream(path);
  await images.save(refs, out);
  out.end();
  await finished(out);
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
