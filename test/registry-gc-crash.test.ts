// kill -9 of the registry in the middle of a garbage collection: the registry starts again,
// serves every image that was pushed before, and the next collection finishes the job.
import { randomBytes } from "node:crypto";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushBlob, registryRequest, type RegistryRequest } from "./support/http.js";
import { writeImageLayout, type ImageLayout } from "./support/oci-layout.js";
import { startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { skopeoCopy } from "./support/skopeo.js";
import { requireTool } from "./support/tools.js";

const haveTools = requireTool("skopeo") && requireTool("curl");

function blobFile(dataDir: string, digest: string): string {
  const hex = digest.slice("sha256:".length);
  return join(dataDir, "registry", "content", "blobs", "sha256", hex.slice(0, 2), hex);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe.skipIf(!haveTools)("garbage collection interrupted by kill -9", () => {
  let server: SkiffServer;
  let req: RegistryRequest;
  let work: string;
  let image: ImageLayout;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-gc-crash-"));
    server = await startSkiffServer();
    req = registryRequest(server);
    image = await writeImageLayout(join(work, "image"), { tag: "v1", layers: [40_000, 50_000, 60_000] });
    await skopeoCopy(`oci:${join(work, "image")}:v1`, `docker://${server.hostPort}/keep/app:v1`, {
      destCreds: `skiff:${server.password}`,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  // About 730 curl processes (pushes and HEAD checks of 3 × 120 blobs) at 30-40 ms each: ~30 s on
  // an idle machine, and CI's parallel test files have doubled that past the default minute.
  it("leaves a consistent registry at any point of the sweep", { timeout: 180_000 }, async () => {
    const garbage: string[] = [];
    for (const delayMs of [0, 15, 40]) {
      // Blobs no manifest references: what the collection deletes.
      const batch = await Promise.all(
        Array.from({ length: 120 }, (_, i) => pushBlob(req, `junk/r${i % 4}`, randomBytes(2048))),
      );
      garbage.push(...batch);
      const gc = fetch(`${server.url}/skiff/v1/gc`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`skiff:${server.password}`).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ graceSeconds: 0 }),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      await server.kill9();
      await gc;
      await server.restart();

      // Everything pushed before is served, byte for byte.
      const out = join(work, `out-${delayMs}`);
      await skopeoCopy(`docker://${server.hostPort}/keep/app:v1`, `oci:${out}:v1`, {
        srcCreds: `skiff:${server.password}`,
        preserveDigests: true,
      });
      const manifest = await req("HEAD", `/v2/keep/app/manifests/v1`, {
        headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      expect(manifest.status).toBe(200);
      expect(manifest.headers["docker-content-digest"]).toBe(image.manifestDigest);
      for (const digest of [image.configDigest, ...image.layerDigests]) {
        expect((await req("HEAD", `/v2/keep/app/blobs/${digest}`)).status).toBe(200);
        expect(await exists(blobFile(server.dataDir, digest))).toBe(true);
      }
      // No blob is half-known: linked blobs answer HEAD with their bytes on disk.
      for (const [i, digest] of batch.entries()) {
        const head = await req("HEAD", `/v2/junk/r${i % 4}/blobs/${digest}`);
        if (head.status === 200) expect(await exists(blobFile(server.dataDir, digest))).toBe(true);
        else expect(head.status).toBe(404);
      }
    }

    // The next collection finishes what the interrupted ones started.
    const report = await req("POST", "/skiff/v1/gc", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ graceSeconds: 0 }),
    });
    expect(report.status).toBe(200);
    for (const digest of garbage) expect(await exists(blobFile(server.dataDir, digest))).toBe(false);
    for (const digest of [image.configDigest, ...image.layerDigests]) {
      expect(await exists(blobFile(server.dataDir, digest))).toBe(true);
    }
  });
});
