// Writes OCI image layout directories (oci-layout, index.json, blobs/sha256/...) holding
// synthetic images, for `skopeo copy oci:DIR:TAG docker://...` in tests and benchmarks.
// Layers are real gzip-compressed tars with one file of pseudo-random (incompressible)
// bytes, generated as a stream: memory use does not grow with the layer size.
import { createCipheriv, createHash, randomBytes, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Header } from "tar";

export const OciMediaType = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

const REF_NAME = "org.opencontainers.image.ref.name";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageLayoutOptions {
  /** Tag under which index.json names the image (replaces an existing entry with that tag). */
  tag: string;
  /** Uncompressed size in bytes of each layer's single random file, one entry per layer. */
  layers: number[];
  /** Default linux/amd64. */
  platform?: Platform;
  /** Same seed, same bytes, same digests. Default: a fresh random seed (new content every call). */
  seed?: string | number;
}

export interface ImageLayout {
  manifestDigest: string;
  configDigest: string;
  /** Digests of the compressed layer blobs, in manifest order. */
  layerDigests: string[];
  /** sha256 of each uncompressed layer tar, as listed in the config's rootfs.diff_ids. */
  diffIds: string[];
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Bytes a registry stores for this image: the layer blobs, the config and the manifest. */
  totalBytes: number;
}

export interface IndexLayoutOptions {
  tag: string;
  platforms: Platform[];
  /** Uncompressed size of the one layer of each platform's image. */
  layerSize: number;
  seed?: string | number;
}

export interface IndexLayout {
  indexDigest: string;
  index: Descriptor;
  /** One image per platform, in the order of `platforms`. */
  manifests: Array<ImageLayout & { platform: Platform }>;
  /** Bytes of every blob of the index: all images plus the index manifest itself. */
  totalBytes: number;
}

/** Writes one single-platform image into the layout at `dir` (created when missing). */
export async function writeImageLayout(dir: string, opts: ImageLayoutOptions): Promise<ImageLayout> {
  await initLayout(dir);
  const seed = String(opts.seed ?? randomBytes(16).toString("hex"));
  const image = await writeImage(
    dir,
    opts.layers,
    opts.platform ?? { os: "linux", architecture: "amd64" },
    seed,
  );
  await addRef(dir, { ...image.manifest, platform: image.platform }, opts.tag);
  return image.result;
}

/** Writes a multi-platform image index (one image per platform) into the layout at `dir`. */
export async function writeIndexLayout(dir: string, opts: IndexLayoutOptions): Promise<IndexLayout> {
  await initLayout(dir);
  const seed = String(opts.seed ?? randomBytes(16).toString("hex"));
  const manifests: IndexLayout["manifests"] = [];
  const children: Descriptor[] = [];
  for (const platform of opts.platforms) {
    const key = `${seed}/${platform.os}/${platform.architecture}/${platform.variant ?? ""}`;
    const image = await writeImage(dir, [opts.layerSize], platform, key);
    manifests.push({ ...image.result, platform });
    children.push({ ...image.manifest, platform });
  }
  const index = await writeJsonBlob(dir, OciMediaType.index, {
    schemaVersion: 2,
    mediaType: OciMediaType.index,
    manifests: children,
  });
  await addRef(dir, index, opts.tag);
  const totalBytes = manifests.reduce((sum, m) => sum + m.totalBytes, index.size);
  return { indexDigest: index.digest, index, manifests, totalBytes };
}

/** The descriptor that the layout's index.json names `tag`, or undefined. */
export async function resolveTag(dir: string, tag: string): Promise<Descriptor | undefined> {
  const index = await readTopIndex(dir);
  return index.manifests.find((d) => d.annotations?.[REF_NAME] === tag);
}

/** Path of the blob file for `digest` ("sha256:...") inside the layout at `dir`. */
export function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return join(dir, "blobs", algorithm ?? "", hex ?? "");
}

// ---------------------------------------------------------------------------------------

interface WrittenImage {
  manifest: Descriptor;
  platform: Platform;
  result: ImageLayout;
}

async function writeImage(
  dir: string,
  layerSizes: number[],
  platform: Platform,
  seed: string,
): Promise<WrittenImage> {
  // Two layers at a time keep both cores busy (gzip runs on the libuv pool) with little memory.
  const written = await mapLimit(layerSizes, 2, (size, i) =>
    writeLayerBlob(dir, { size, fileName: `layer-${i}.bin`, seed: `${seed}/${i}` }),
  );
  const layers: Descriptor[] = written.map((l) => ({
    mediaType: OciMediaType.layerGzip,
    digest: l.digest,
    size: l.size,
  }));
  const diffIds = written.map((l) => l.diffId);
  const created = "1970-01-01T00:00:00Z";
  const config = await writeJsonBlob(dir, OciMediaType.config, {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: layerSizes.map((size, i) => ({ created, created_by: `skiff test layer ${i} (${size} bytes)` })),
  });
  const manifest = await writeJsonBlob(dir, OciMediaType.manifest, {
    schemaVersion: 2,
    mediaType: OciMediaType.manifest,
    config,
    layers,
  });
  const totalBytes = layers.reduce((sum, l) => sum + l.size, config.size + manifest.size);
  return {
    manifest,
    platform,
    result: {
      manifestDigest: manifest.digest,
      configDigest: config.digest,
      layerDigests: layers.map((l) => l.digest),
      diffIds,
      manifest,
      config,
      layers,
      totalBytes,
    },
  };
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
}

interface TopIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

async function readTopIndex(dir: string): Promise<TopIndex> {
  try {
    return JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as TopIndex;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return { schemaVersion: 2, mediaType: OciMediaType.index, manifests: [] };
    }
    throw err;
  }
}

/** Points `tag` in index.json at `descriptor`, replacing any previous entry for that tag. */
async function addRef(dir: string, descriptor: Descriptor, tag: string): Promise<void> {
  const index = await readTopIndex(dir);
  index.manifests = index.manifests.filter((d) => d.annotations?.[REF_NAME] !== tag);
  index.manifests.push({ ...descriptor, annotations: { ...descriptor.annotations, [REF_NAME]: tag } });
  const tmp = join(dir, `.index.json.${randomBytes(4).toString("hex")}`);
  await writeFile(tmp, JSON.stringify(index));
  await rename(tmp, join(dir, "index.json"));
}

async function writeJsonBlob(dir: string, mediaType: string, value: unknown): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  await writeFile(blobPath(dir, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

interface LayerBlob {
  digest: string;
  size: number;
  diffId: string;
}

const CHUNK = 1 << 20;
const BLOCK = 512;

/**
 * Streams a tar holding one file of `size` pseudo-random bytes through gzip level 1 into
 * blobs/sha256, hashing the tar (diff_id) and the gzip output (blob digest) on the way.
 */
async function writeLayerBlob(
  dir: string,
  opts: { size: number; fileName: string; seed: string },
): Promise<LayerBlob> {
  const diffHash = createHash("sha256");
  const blobHash = createHash("sha256");
  const counter = new HashingCounter(blobHash);
  const tmp = join(dir, "blobs", "sha256", `.tmp-${randomBytes(8).toString("hex")}`);
  try {
    await pipeline(
      Readable.from(tarWithOneFile(opts, diffHash), { objectMode: false }),
      createGzip({ level: 1 }),
      counter,
      createWriteStream(tmp),
    );
    const digest = `sha256:${blobHash.digest("hex")}`;
    await rename(tmp, blobPath(dir, digest));
    return { digest, size: counter.bytes, diffId: `sha256:${diffHash.digest("hex")}` };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function* tarWithOneFile(
  opts: { size: number; fileName: string; seed: string },
  hash: Hash,
): AsyncGenerator<Buffer> {
  const emit = (b: Buffer): Buffer => {
    hash.update(b);
    return b;
  };
  const header = new Header({
    path: opts.fileName,
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: opts.size,
    mtime: new Date(0),
    type: "File",
    uname: "root",
    gname: "root",
  });
  header.encode();
  if (header.block === undefined || header.needPax)
    throw new Error(`cannot encode tar header for ${opts.size}`);
  yield emit(header.block);
  const random = pseudoRandom(opts.seed);
  const zeros = Buffer.alloc(CHUNK);
  for (let left = opts.size; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    yield emit(random.update(n === CHUNK ? zeros : zeros.subarray(0, n)));
  }
  const padding = (BLOCK - (opts.size % BLOCK)) % BLOCK;
  yield emit(Buffer.alloc(padding + 2 * BLOCK)); // pad the file, then the end-of-archive marker
}

/** AES-256-CTR keystream keyed by the seed: fast, deterministic and incompressible. */
function pseudoRandom(seed: string): { update(zeros: Buffer): Buffer } {
  const key = createHash("sha256").update(seed).digest();
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
}

class HashingCounter extends Transform {
  bytes = 0;
  readonly #hash: Hash;

  constructor(hash: Hash) {
    super();
    this.#hash = hash;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
