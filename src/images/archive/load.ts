// `docker load`: reads a `docker save` archive in one pass, plain or gzip-compressed, in
// either layout: Docker 25+ (OCI layout + manifest.json) or the legacy one (<id>/layer.tar,
// <id>.json configs, manifest.json). Blobs go straight into the content store as they stream
// past (verified when their name is a digest); the small metadata files are read at the end.
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { isDigest, type Digest } from "../../oci/digest.js";
import { parseImageConfig } from "../../oci/image-config.js";
import { familiarString, formatReference, normalizeReference } from "../../oci/reference.js";
import { ImageRequestError } from "../errors.js";
import type { ImageLayer } from "../image-db.js";
import { flavourFor, layerMediaType, storeImage } from "../manifest-build.js";
import type { ProgressSink } from "../progress.js";
import type { ImageStore } from "../store.js";
import { isGzip, peek } from "../streams.js";
import { storeStream } from "./store-stream.js";
import { imagesFromIndex, manifestForConfig } from "./oci-index.js";

const METADATA = new Set(["manifest.json", "index.json", "oci-layout", "repositories"]);
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

interface ManifestJsonEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** What the archive held, by path. */
export interface ArchiveContents {
  metadata: Map<string, Buffer>;
  /** Path → digest of every blob stored. */
  blobs: Map<string, Digest>;
  /** Symlink path → target path (legacy archives link repeated layers). */
  links: Map<string, string>;
}

export async function loadArchive(
  store: ImageStore,
  archive: Readable,
  onProgress: ProgressSink,
): Promise<string[]> {
  const releases: Array<() => void> = [];
  try {
    const contents = await readArchive(store, archive, (d) => releases.push(store.pins.add(d)));
    const loaded: string[] = [];
    const manifestJson = contents.metadata.get("manifest.json");
    if (manifestJson !== undefined) {
      for (const entry of parseManifestJson(manifestJson))
        loaded.push(...(await loadEntry(store, onProgress, contents, entry)));
    } else if (contents.metadata.has("index.json")) {
      for (const found of await imagesFromIndex(store, contents))
        loaded.push(
          ...(await record(store, onProgress, found.config, found.layers, found.names, found.manifest)),
        );
    } else {
      throw new ImageRequestError("invalid tar archive: it has neither manifest.json nor index.json");
    }
    for (const l of loaded)
      onProgress({ stream: `${l.startsWith("sha256:") ? "Loaded image ID" : "Loaded image"}: ${l}\n` });
    return loaded;
  } finally {
    releases.forEach((r) => r());
  }
}

async function readArchive(
  store: ImageStore,
  archive: Readable,
  pin: (d: Digest) => void,
): Promise<ArchiveContents> {
  const { head, stream } = await peek(archive, 2);
  const extract = tarStream.extract();
  const contents: ArchiveContents = { metadata: new Map(), blobs: new Map(), links: new Map() };
  const piping = pipeline(isGzip(head) ? [stream, createGunzip(), extract] : [stream, extract]);
  piping.catch(() => undefined); // reported through the iteration below, or awaited at the end
  for await (const entry of extract) {
    const header = entry.header;
    const name = header.name.replace(/^\.\//, "").replace(/\/+$/, "");
    const body = Readable.from(entry);
    if (header.type === "symlink" || header.type === "link") {
      contents.links.set(
        name,
        header.type === "symlink" ? resolveLink(name, header.linkname) : header.linkname.replace(/^\.\//, ""),
      );
    } else if (header.type === "file" && METADATA.has(name)) {
      contents.metadata.set(name, await readSmall(body));
      continue;
    } else if (header.type === "file" && isBlobPath(name)) {
      const expected = name.startsWith("blobs/")
        ? (`sha256:${name.slice("blobs/sha256/".length)}` as Digest)
        : undefined;
      const digest = await storeStream(store.content, body, expected);
      pin(digest);
      contents.blobs.set(name, digest);
      continue;
    }
    body.resume();
    await finished(body);
  }
  await piping;
  return contents;
}

function isBlobPath(name: string): boolean {
  return (
    /^blobs\/sha256\/[a-f0-9]{64}$/.test(name) ||
    /^[a-f0-9]{64}\.json$/.test(name) ||
    /(^|\/)layer\.tar$/.test(name)
  );
}

async function readSmall(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_METADATA_BYTES)
      throw new ImageRequestError("invalid tar archive: a metadata file is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function resolveLink(from: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = from.split("/").slice(0, -1);
  for (const p of target.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== "." && p !== "") parts.push(p);
  }
  return parts.join("/");
}

/** The digest stored for `path`, following links. */
export function blobAt(contents: ArchiveContents, path: string): Digest {
  let p = path.replace(/^\.\//, "");
  for (let i = 0; i < 10 && contents.links.has(p); i++) p = contents.links.get(p)!;
  const digest = contents.blobs.get(p);
  if (digest === undefined) throw new ImageRequestError(`invalid tar archive: ${path} is missing`);
  return digest;
}

function parseManifestJson(bytes: Buffer): ManifestJsonEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ImageRequestError("invalid tar archive: manifest.json is not JSON");
  }
  if (
    !Array.isArray(doc) ||
    !doc.every(
      (e: unknown) =>
        typeof e === "object" &&
        e !== null &&
        typeof (e as ManifestJsonEntry).Config === "string" &&
        Array.isArray((e as ManifestJsonEntry).Layers),
    )
  ) {
    throw new ImageRequestError("invalid tar archive: manifest.json must list {Config, Layers}");
  }
  return doc as ManifestJsonEntry[];
}

async function loadEntry(
  store: ImageStore,
  onProgress: ProgressSink,
  contents: ArchiveContents,
  entry: ManifestJsonEntry,
): Promise<string[]> {
  const configDigest = blobAt(contents, entry.Config);
  const config = parseImageConfig(await store.content.readAll(configDigest));
  const digests = entry.Layers.map((p) => blobAt(contents, p));
  if (digests.length !== config.rootfs.diff_ids.length) {
    throw new ImageRequestError(
      `invalid tar archive: ${entry.Config} lists ${config.rootfs.diff_ids.length} layers, manifest.json ${digests.length}`,
    );
  }
  const existing = await manifestForConfig(store, contents, configDigest);
  const layers: ImageLayer[] = [];
  for (const [i, digest] of digests.entries()) {
    const info = await store.content.info(digest);
    const compressed = await blobIsGzip(store, digest);
    const fromManifest = existing?.layers.find((l) => l.digest === digest);
    layers.push({
      digest,
      size: info!.size,
      diffId: config.rootfs.diff_ids[i]!,
      mediaType: fromManifest?.mediaType ?? layerMediaType("docker", compressed),
    });
  }
  const names = (entry.RepoTags ?? []).map((t) => formatReference(normalizeReference(t)));
  return record(
    store,
    onProgress,
    config,
    layers,
    names,
    existing && { digest: existing.digest, mediaType: existing.mediaType },
  );
}

async function blobIsGzip(store: ImageStore, digest: Digest): Promise<boolean> {
  const stream = await store.content.read(digest, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return isGzip(Buffer.concat(chunks));
}

async function record(
  store: ImageStore,
  onProgress: ProgressSink,
  config: ReturnType<typeof parseImageConfig>,
  layers: ImageLayer[],
  names: string[],
  manifest: { digest: Digest; mediaType: string } | undefined,
): Promise<string[]> {
  const stored = manifest ?? (await storeImage(store.content, config, layers, flavourFor(layers)));
  const id = await configDigestOf(store, stored.digest);
  for (const name of names) {
    const previous = store.db.resolveName(name);
    if (previous !== undefined && previous !== id) {
      onProgress({
        stream: `The image ${familiarString(normalizeReference(name))} already exists, renaming the old one with ID ${previous} to empty string\n`,
      });
    }
  }
  store.db.put(
    {
      id,
      manifestDigest: stored.digest,
      manifestMediaType: stored.mediaType,
      config,
      layers,
      blobs: [stored.digest, id, ...layers.map((l) => l.digest)],
      addedAt: Date.now(),
    },
    names,
  );
  return names.length > 0 ? names.map((n) => familiarString(normalizeReference(n))) : [id];
}

async function configDigestOf(store: ImageStore, manifestDigest: Digest): Promise<Digest> {
  const doc = JSON.parse((await store.content.readAll(manifestDigest)).toString("utf8")) as {
    config?: { digest?: string };
  };
  const d = doc.config?.digest;
  if (d === undefined || !isDigest(d))
    throw new ImageRequestError(`invalid tar archive: manifest ${manifestDigest} has no config`);
  return d as Digest;
}
