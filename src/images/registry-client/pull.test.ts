// Pull against a small in-process registry that misbehaves on purpose: Basic auth, 5xx
// answers, a blob connection cut half way (resumed with Range), corrupt bytes, indexes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { digestOf, type Digest } from "../../oci/digest.js";
import { MediaType } from "../../oci/media-types.js";
import { hostPlatform } from "../../oci/platform.js";
import type { ProgressMessage } from "../progress.js";
import { ImageService } from "../service.js";

interface Fake {
  blobs: Map<string, Buffer>;
  manifests: Map<string, { type: string; bytes: Buffer }>;
  /** Answers the next N requests matching the pattern with this status. */
  faults: Array<{ match: RegExp; status: number; count: number }>;
  /** Cuts the connection after half of this blob, once. */
  cutOnce: Set<string>;
  /** Serves these blobs with a flipped byte. */
  corrupt: Set<string>;
  basic?: string;
  ranges: string[];
}

const fake: Fake = {
  blobs: new Map(),
  manifests: new Map(),
  faults: [],
  cutOnce: new Set(),
  corrupt: new Set(),
  ranges: [],
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "";
  if (
    fake.basic !== undefined &&
    req.headers.authorization !== `Basic ${Buffer.from(fake.basic).toString("base64")}`
  ) {
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake"' }).end();
    return;
  }
  const fault = fake.faults.find((f) => f.match.test(url) && f.count > 0);
  if (fault) {
    fault.count--;
    res.writeHead(fault.status).end();
    return;
  }
  const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url);
  if (!m) return void res.writeHead(url === "/v2/" ? 200 : 404).end();
  if (m[2] === "manifests") {
    const found = fake.manifests.get(`${m[1]}:${m[3]}`) ?? fake.manifests.get(m[3]!);
    if (!found) {
      res.writeHead(404, { "Content-Type": "application/json" });
      return void res.end(
        JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }),
      );
    }
    return void res.writeHead(200, { "Content-Type": found.type }).end(found.bytes);
  }
  let blob = fake.blobs.get(m[3]!);
  if (!blob) return void res.writeHead(404).end();
  if (fake.corrupt.has(m[3]!)) {
    blob = Buffer.from(blob);
    blob[blob.length - 1] ^= 0xff;
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  if (range) {
    fake.ranges.push(`${m[3]!.slice(7, 13)}:${range[1]}`);
    const start = Number(range[1]);
    res.writeHead(206, {
      "Content-Length": blob.length - start,
      "Content-Range": `bytes ${start}-${blob.length - 1}/${blob.length}`,
    });
    return void res.end(blob.subarray(start));
  }
  res.writeHead(200, { "Content-Length": blob.length });
  if (fake.cutOnce.delete(m[3]!)) {
    res.write(blob.subarray(0, blob.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(blob);
}

function addBlob(bytes: Buffer): { digest: Digest; size: number } {
  const digest = digestOf(bytes);
  fake.blobs.set(digest, bytes);
  return { digest, size: bytes.length };
}

/** An image of `n` random layers in the fake; returns its manifest digest and config digest. */
function addImage(
  repo: string,
  tag: string,
  n: number,
  seed: string,
): { manifest: Digest; config: Digest; layers: Digest[] } {
  const layers = Array.from({ length: n }, (_, i) => {
    const raw = Buffer.from(`${seed}-${i}-`.repeat(20_000));
    return { raw, gz: gzipSync(raw) };
  });
  const host = hostPlatform();
  const config = addBlob(
    Buffer.from(
      JSON.stringify({
        architecture: host.architecture,
        os: "linux",
        rootfs: { type: "layers", diff_ids: layers.map((l) => digestOf(l.raw)) },
      }),
    ),
  );
  const layerDescs = layers.map((l) => ({ mediaType: MediaType.ociLayerGzip, ...addBlob(l.gz) }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, ...config },
      layers: layerDescs,
    }),
  );
  const digest = digestOf(manifest);
  fake.manifests.set(`${repo}:${tag}`, { type: MediaType.ociManifest, bytes: manifest });
  fake.manifests.set(digest, { type: MediaType.ociManifest, bytes: manifest });
  return { manifest: digest, config: config.digest, layers: layerDescs.map((l) => l.digest) };
}

describe("pull", () => {
  let server: Server;
  let host: string;
  let root: string;
  let images: ImageService;
  let messages: ProgressMessage[];
  const onProgress = (m: ProgressMessage) => messages.push(m);

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(async () => {
    messages = [];
    fake.faults = [];
    fake.basic = undefined;
    fake.ranges = [];
    root = await mkdtemp(join(tmpdir(), "skiff-pull-"));
    images = await ImageService.open({ root, logger: pino({ level: "silent" }) });
    return async () => {
      images.close();
      await rm(root, { recursive: true, force: true });
    };
  });

  it("downloads five layers three at a time, in Docker's order of messages", async () => {
    const img = addImage("five", "1", 5, "five");
    const image = await images.pull(`${host}/five:1`, { onProgress });
    expect(image.id).toBe(img.config);
    expect(image.layers.map((l) => l.digest)).toEqual(img.layers);
    const ids = img.layers.map((d) => d.slice(7, 19));
    expect(messages.filter((m) => m.status === "Waiting").map((m) => m.id)).toEqual(ids.slice(3));
    expect(messages.filter((m) => m.status === "Pull complete").map((m) => m.id)).toEqual(ids);
    expect(messages.at(-1)).toEqual({ status: `Status: Downloaded newer image for ${host}/five:1` });
  });

  it("retries 5xx answers and resumes a cut download with a Range request", async () => {
    const img = addImage("flaky", "1", 2, "flaky");
    fake.faults.push({ match: /manifests\/1$/, status: 503, count: 2 });
    fake.cutOnce.add(img.layers[1]!);
    const image = await images.pull(`${host}/flaky:1`, { onProgress });
    expect(image.layers.map((l) => l.digest)).toEqual(img.layers);
    expect(fake.ranges).toHaveLength(1);
    expect(fake.ranges[0]).toMatch(new RegExp(`^${img.layers[1]!.slice(7, 13)}:[1-9]\\d*$`));
    const blob = await images.content.readAll(img.layers[1]!);
    expect(digestOf(blob)).toBe(img.layers[1]);
  });

  it("refuses bytes that do not match the digest and keeps nothing", async () => {
    const img = addImage("bad", "1", 1, "bad");
    fake.corrupt.add(img.layers[0]!);
    await expect(images.pull(`${host}/bad:1`, { onProgress })).rejects.toThrow(
      `filesystem layer verification failed for digest ${img.layers[0]}`,
    );
    expect(await images.content.info(img.layers[0]!)).toBeUndefined();
    expect(images.list()).toEqual([]);
  });

  it("answers a Basic challenge with the credentials", async () => {
    addImage("private", "1", 1, "private");
    fake.basic = "user:secret";
    await expect(images.pull(`${host}/private:1`, { onProgress })).rejects.toThrow(/pull access denied for/);
    const image = await images.pull(`${host}/private:1`, {
      onProgress,
      credentials: { username: "user", password: "secret" },
    });
    expect(image.repoTags).toEqual([`${host}/private:1`]);
  });

  it("picks the platform from an index, and says when none matches", async () => {
    const img = addImage("multi", "inner", 1, "multi");
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: img.manifest,
            size: fake.manifests.get(img.manifest)!.bytes.length,
            platform: { ...hostPlatform() },
          },
          {
            mediaType: MediaType.ociManifest,
            digest: `sha256:${"0".repeat(64)}`,
            size: 1,
            platform: { os: "linux", architecture: "s390x" },
          },
        ],
      }),
    );
    fake.manifests.set("multi:1", { type: MediaType.ociIndex, bytes: index });
    const image = await images.pull(`${host}/multi:1`, { onProgress });
    expect(image.id).toBe(img.config);
    expect(image.manifestDigest).toBe(img.manifest);
    expect(image.repoDigests).toEqual([`${host}/multi@${digestOf(index)}`]);
    await expect(images.pull(`${host}/multi:1`, { onProgress, platform: "linux/riscv64" })).rejects.toThrow(
      "no matching manifest for linux/riscv64 in the manifest list entries",
    );
  });

  it("fails at once, in Docker's words, when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const started = Date.now();
    await expect(images.pull(`127.0.0.1:${port}/x:1`, { onProgress })).rejects.toThrow(
      `Get "http://127.0.0.1:${port}/v2/x/manifests/1": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops when aborted and keeps no partial download; a reopened store drops unused blobs", async () => {
    const img = addImage("slow", "1", 1, "slow");
    fake.faults.push({ match: new RegExp(img.layers[0]!.slice(7)), status: 503, count: 100 });
    const controller = new AbortController();
    const pulling = images.pull(`${host}/slow:1`, { onProgress, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(pulling).rejects.toThrow();
    expect(await readdir(join(root, "content", "ingest"))).toEqual([]);
    expect(await images.content.info(img.config)).toBeDefined(); // fetched before the layer
    images.close();
    images = await ImageService.open({ root, logger: pino({ level: "silent" }) });
    expect(await images.content.info(img.config)).toBeUndefined();
  });
});
