// Pull and push against real registries: Skiff's own (token auth, logins, mounts) and the CNCF
// distribution registry (no auth). A busybox image made with importRootfs goes up and comes
// back into another store under its own name, with every digest unchanged.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageService, type Image } from "../src/images/service.js";
import type { ProgressMessage } from "../src/images/progress.js";
import { busyboxRootfsStream } from "./support/busybox-image.js";
import { startDistribution, type DistributionRegistry } from "./support/distribution.js";
import { startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { requireTool } from "./support/tools.js";

const logger = pino({ level: "silent" });

async function openStore(dirs: string[]): Promise<ImageService> {
  const root = await mkdtemp(join(tmpdir(), "skiff-images-e2e-"));
  dirs.push(root);
  return ImageService.open({ root, logger });
}

function recorder(): {
  messages: ProgressMessage[];
  sink: (m: ProgressMessage) => void;
  statuses: () => string[];
} {
  const messages: ProgressMessage[] = [];
  return { messages, sink: (m) => messages.push(m), statuses: () => messages.map((m) => m.status ?? "") };
}

describe.skipIf(!requireTool("busybox"))("images against Skiff's registry (token auth)", () => {
  let server: SkiffServer;
  const dirs: string[] = [];
  let local: ImageService;
  let remote: ImageService;
  let built: Image;
  let creds: { username: string; password: string };
  const repo = () => `${server.hostPort}/e2e/busybox`;

  beforeAll(async () => {
    server = await startSkiffServer();
    creds = { username: "skiff", password: server.password };
    local = await openStore(dirs);
    remote = await openStore(dirs);
    built = await local.importRootfs(busyboxRootfsStream(), {
      ref: `${repo()}:v1`,
      changes: ['CMD ["sh"]', "ENV PATH=/bin"],
    });
  }, 60_000);

  afterAll(async () => {
    local?.close();
    remote?.close();
    await server?.stop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("refuses a push without credentials in Docker's words", async () => {
    const p = recorder();
    await expect(local.push(`${repo()}:v1`, { onProgress: p.sink })).rejects.toThrow(/^unauthorized: /);
  });

  it("logs in with the token flow, and refuses a wrong password", async () => {
    await expect(
      local.login(server.hostPort, { username: "skiff", password: "wrong" }),
    ).rejects.toMatchObject({
      statusCode: 401,
      message: expect.stringMatching(/^unauthorized: /),
    });
    const result = await local.login(`http://${server.hostPort}/`, creds);
    expect(result.identityToken).toEqual(expect.any(String));
  });

  it("pushes with progress, then finds every layer already there", async () => {
    const p = recorder();
    const pushed = await local.push(`${repo()}:v1`, { credentials: creds, onProgress: p.sink });
    expect(pushed).toEqual({ digest: built.manifestDigest, size: expect.any(Number), tag: "v1" });
    const layerId = built.layers[0]!.digest.slice(7, 19);
    expect(p.messages[0]).toEqual({ status: `The push refers to repository [${repo()}]` });
    expect(p.messages).toContainEqual({ status: "Preparing", progressDetail: {}, id: layerId });
    expect(p.messages).toContainEqual({ status: "Pushed", progressDetail: {}, id: layerId });
    expect(
      p.messages.some((m) => m.status === "Pushing" && m.id === layerId && m.progress?.startsWith("[")),
    ).toBe(true);
    expect(p.statuses()).toContain(`v1: digest: ${pushed.digest} size: ${pushed.size}`);
    expect(p.messages).toContainEqual({
      progressDetail: {},
      aux: { Tag: "v1", Digest: pushed.digest, Size: pushed.size },
    });
    expect(local.get(`${repo()}@${pushed.digest}`).id).toBe(built.id);

    const again = recorder();
    await local.push(`${repo()}:v1`, { credentials: creds, onProgress: again.sink });
    expect(again.messages).toContainEqual({
      status: "Layer already exists",
      progressDetail: {},
      id: layerId,
    });
  });

  it("mounts layers from another repository of the same registry", async () => {
    local.tag(`${repo()}:v1`, `${server.hostPort}/e2e/copy:v1`);
    const p = recorder();
    await local.push(`${server.hostPort}/e2e/copy:v1`, { credentials: creds, onProgress: p.sink });
    expect(p.messages).toContainEqual({
      status: "Mounted from e2e/busybox",
      progressDetail: {},
      id: built.layers[0]!.digest.slice(7, 19),
    });
  });

  it("pulls it back into another store under another name with identical digests", async () => {
    const { identityToken } = await remote.login(server.hostPort, creds);
    const p = recorder();
    const pulled = await remote.pull(`${repo()}:v1`, {
      credentials: { identityToken: identityToken! },
      onProgress: p.sink,
    });
    expect(pulled.id).toBe(built.id);
    expect(pulled.manifestDigest).toBe(built.manifestDigest);
    expect(pulled.layers).toEqual(built.layers);
    expect(pulled.repoDigests).toEqual([`${repo()}@${built.manifestDigest}`]);
    const id = built.layers[0]!.digest.slice(7, 19);
    expect(p.messages[0]).toEqual({ status: "Pulling from e2e/busybox", id: "v1" });
    for (const status of ["Pulling fs layer", "Verifying Checksum", "Download complete", "Pull complete"]) {
      expect(p.messages).toContainEqual({ status, progressDetail: {}, id });
    }
    expect(p.statuses().slice(-2)).toEqual([
      `Digest: ${built.manifestDigest}`,
      `Status: Downloaded newer image for ${repo()}:v1`,
    ]);

    remote.tag(`${repo()}:v1`, "mybox:1");
    expect(remote.get("mybox:1").id).toBe(built.id);
    const blob = await remote.content.readAll(built.layers[0]!.digest);
    expect(blob.length).toBe(built.layers[0]!.size);

    const again = recorder();
    await remote.pull(`${repo()}:v1`, { credentials: creds, onProgress: again.sink });
    expect(again.messages).toContainEqual({ status: "Already exists", progressDetail: {}, id });
    expect(again.statuses().at(-1)).toBe(`Status: Image is up to date for ${repo()}:v1`);
  });

  it("words a missing tag and a missing repository as Docker does", async () => {
    const p = recorder();
    await expect(remote.pull(`${repo()}:nope`, { credentials: creds, onProgress: p.sink })).rejects.toThrow(
      `manifest for ${repo()}:nope not found: manifest unknown: `,
    );
    await expect(remote.pull(`${server.hostPort}/no/such:1`, { onProgress: p.sink })).rejects.toThrow(
      `pull access denied for ${server.hostPort}/no/such, repository does not exist or may require 'docker login'`,
    );
  });
});

describe.skipIf(!(requireTool("docker-registry") && requireTool("busybox")))(
  "images against the distribution registry",
  () => {
    let registry: DistributionRegistry;
    const dirs: string[] = [];

    beforeAll(async () => {
      registry = await startDistribution();
    }, 60_000);
    afterAll(async () => {
      await registry?.stop();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    });

    it("pushes and pulls by tag and by digest", async () => {
      const a = await openStore(dirs);
      const b = await openStore(dirs);
      try {
        const ref = `${registry.hostPort}/lib/busybox:1`;
        const built = await a.importRootfs(busyboxRootfsStream(), { ref, changes: ['CMD ["sh"]'] });
        const pushed = await a.push(ref, { onProgress: () => undefined });
        expect(pushed.digest).toBe(built.manifestDigest);
        const byDigest = await b.pull(`${registry.hostPort}/lib/busybox@${pushed.digest}`, {
          onProgress: () => undefined,
        });
        expect(byDigest.id).toBe(built.id);
        expect(byDigest.repoTags).toEqual([]);
        const byTag = await b.pull(ref, { onProgress: () => undefined });
        expect(byTag.repoTags).toEqual([ref]);
        expect(byTag.layers).toEqual(built.layers);
        b.tag(ref, `${registry.hostPort}/other/busybox:1`);
        const p = recorder();
        await b.push(`${registry.hostPort}/other/busybox:1`, { onProgress: p.sink });
        expect(p.statuses()).toContain("Mounted from lib/busybox");
      } finally {
        a.close();
        b.close();
      }
    });
  },
);
