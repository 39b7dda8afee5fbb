// Images through the engine with the real docker CLI: import, tag, login + push to Skiff's
// own registry, rmi, pull back with progress, pull from the CNCF distribution registry,
// save | load, export | import, commit then run, history and inspect.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "./support/busybox-image.js";
import { startDistribution, type DistributionRegistry } from "./support/distribution.js";
import { startEngineServer, type EngineServer } from "./support/engine-server.js";
import { requireTool } from "./support/tools.js";

const haveTools =
  requireTool("docker") && requireTool("runc") && requireTool("conmon") && requireTool("busybox");

describe.skipIf(!haveTools)("images through the docker CLI", () => {
  let engine: EngineServer;
  let work: string;

  const docker = (...args: string[]) => engine.docker(args);
  const dockerOk = async (...args: string[]) => (await engine.dockerOk(args)).stdout.trim();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-images-"));
    engine = await startEngineServer();
    const tar = await busyboxRootfsTar(work);
    await dockerOk("import", "--change", 'CMD ["sh"]', "--change", "ENV PATH=/bin", tar, "busybox:latest");
  });

  afterAll(async () => {
    await engine?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("imports a rootfs tarball as an image with its --change instructions", async () => {
    expect(await dockerOk("images", "--format", "{{.Repository}}:{{.Tag}}")).toBe("busybox:latest");
    const config = await dockerOk(
      "inspect",
      "-f",
      "{{json .Config.Cmd}} {{json .Config.Env}} {{.Os}}",
      "busybox",
    );
    expect(config).toBe('["sh"] ["PATH=/bin"] linux');
    expect(await dockerOk("history", "--format", "{{.CreatedBy}}", "busybox")).toMatch(/Imported from -|^$/);
    expect(await dockerOk("run", "--rm", "busybox", "echo", "imported")).toBe("imported");
  });

  it("logs in, pushes to Skiff's registry, removes the image and pulls it back", async () => {
    const registry = engine.server.hostPort;
    const ref = `${registry}/tools/busybox:1.0`;
    await engine.dockerOk(["login", "--username", "skiff", "--password-stdin", registry], {
      input: engine.server.password,
    });
    await dockerOk("tag", "busybox", ref);
    const push = await dockerOk("push", ref);
    expect(push).toMatch(/1\.0: digest: sha256:[0-9a-f]{64} size: \d+/);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push)?.[1];
    await dockerOk("rmi", ref);
    const pull = await dockerOk("pull", ref);
    expect(pull).toContain(`Digest: ${digest}`);
    expect(pull).toContain(`Status: Downloaded newer image for ${ref}`);
    expect(await dockerOk("inspect", "-f", "{{index .RepoDigests 0}}", ref)).toBe(
      `${registry}/tools/busybox@${digest}`,
    );
    expect(await dockerOk("run", "--rm", ref, "echo", "pulled")).toBe("pulled");
    // A wrong password is refused by the registry, and the CLI says so.
    const denied = await engine.docker(["login", "--username", "skiff", "--password-stdin", registry], {
      input: "wrong",
    });
    expect(denied.code).not.toBe(0);
  });

  it("pushes to and pulls from the CNCF distribution registry", async () => {
    if (!requireTool("docker-registry")) return;
    const distribution: DistributionRegistry = await startDistribution();
    try {
      const ref = `${distribution.hostPort}/mirror/busybox:latest`;
      await dockerOk("tag", "busybox", ref);
      await dockerOk("push", ref);
      await dockerOk("rmi", ref);
      await dockerOk("pull", ref);
      expect(await dockerOk("run", "--rm", ref, "echo", "from-distribution")).toBe("from-distribution");
      await dockerOk("rmi", ref);
    } finally {
      await distribution.stop();
    }
  });

  it("round-trips docker save | docker load", async () => {
    const archive = join(work, "busybox.tar");
    await dockerOk("tag", "busybox", "saved:v1");
    await dockerOk("save", "-o", archive, "saved:v1");
    expect((await stat(archive)).size).toBeGreaterThan(500_000);
    const id = await dockerOk("inspect", "-f", "{{.Id}}", "saved:v1");
    await dockerOk("rmi", "saved:v1");
    const loaded = await dockerOk("load", "-i", archive);
    expect(loaded).toContain("Loaded image: saved:v1");
    expect(await dockerOk("inspect", "-f", "{{.Id}}", "saved:v1")).toBe(id);
  });

  it("commits a container's changes and runs the new image", async () => {
    await dockerOk(
      "run",
      "--name",
      "builder",
      "busybox",
      "sh",
      "-c",
      "echo committed > /marker && rm /bin/true",
    );
    await dockerOk("commit", "--change", 'CMD ["cat", "/marker"]', "builder", "mine:v1");
    expect(await dockerOk("run", "--rm", "mine:v1")).toBe("committed");
    // The deletion became a whiteout in the new layer.
    const deleted = await docker("run", "--rm", "mine:v1", "ls", "/bin/true");
    expect(deleted.code).not.toBe(0);
    expect(await dockerOk("history", "-q", "mine:v1")).toMatch(/[0-9a-f]{12}/);
  });

  it("round-trips docker export | docker import", async () => {
    const archive = join(work, "exported.tar");
    await dockerOk("export", "-o", archive, "builder");
    const head = await readFile(archive);
    expect(head.length).toBeGreaterThan(500_000);
    await dockerOk("import", archive, "exported:v1");
    expect(await dockerOk("run", "--rm", "exported:v1", "cat", "/marker")).toBe("committed");
    await dockerOk("rm", "builder");
  });

  it("refuses to remove an image a container uses, unless forced", async () => {
    await dockerOk("create", "--name", "user", "mine:v1");
    const refused = await docker("rmi", "mine:v1");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/conflict: unable to (remove|delete)/);
    await dockerOk("rm", "user");
    await dockerOk("rmi", "mine:v1");
    const gone = await docker("inspect", "mine:v1");
    expect(gone.stderr).toMatch(/No such (image|object): mine:v1/);
  });
});
