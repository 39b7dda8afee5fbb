// `docker save`: the Docker 25+ archive layout, which is an OCI image layout plus Docker's
// own manifest.json and repositories files, so both old and new Docker (and any OCI tool)
// load it:
//   oci-layout, index.json, blobs/sha256/<hex> (manifests, configs, layers as stored),
//   manifest.json [{Config, RepoTags, Layers}], repositories {repo: {tag: top layer hex}}.
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import type { LocalContentStore } from "../../content/local-store.js";
import { digestHex, type Digest } from "../../oci/digest.js";
import { MediaType } from "../../oci/media-types.js";
import { formatReference, normalizeReference, parseReference, familiarName } from "../../oci/reference.js";
import type { Image } from "../image-view.js";

export interface SaveItem {
  /** What the user named: a tag is recorded, an ID or digest is not. */
  ref: string;
  image: Image;
}

const blobPath = (d: Digest) => `blobs/sha256/${digestHex(d)}`;

export async function saveArchive(
  content: LocalContentStore,
  items: readonly SaveItem[],
  out: Writable,
): Promise<void> {
  const pack = tarStream.pack();
  const piping = pipeline(Readable.from(pack), out, { end: false });
  const written = new Set<string>();
  const mtime = new Date(0);
  const addFile = async (name: string, bytes: Buffer) => {
    if (written.has(name)) return;
    written.add(name);
    await entry(pack, { name, size: bytes.length, mtime, mode: 0o644 }, bytes);
  };
  const addBlob = async (digest: Digest) => {
    const name = blobPath(digest);
    if (written.has(name)) return;
    written.add(name);
    const info = await content.info(digest);
    if (!info) throw new Error(`blob ${digest} is missing from the store`);
    await entry(pack, { name, size: info.size, mtime, mode: 0o644 }, await content.read(digest));
  };

  try {
    await entry(pack, { name: "blobs/", type: "directory", mtime, mode: 0o755 });
    await entry(pack, { name: "blobs/sha256/", type: "directory", mtime, mode: 0o755 });
    const manifestJson: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
    const indexEntries: object[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const byImage = new Map<Digest, { tags: string[]; manifestBytes: Buffer }>();
    for (const { ref, image } of items) {
      let known = byImage.get(image.id);
      if (!known) {
        for (const l of image.layers) await addBlob(l.digest);
        await addBlob(image.id);
        await addBlob(image.manifestDigest);
        known = { tags: [], manifestBytes: await content.readAll(image.manifestDigest) };
        byImage.set(image.id, known);
      }
      // A bare repository name saves every tag of it, as Docker does.
      const tags = tagsNamed(ref, image);
      for (const t of tags) if (!known.tags.includes(t)) known.tags.push(t);
    }
    for (const [id, { tags, manifestBytes }] of byImage) {
      const image = items.find((i) => i.image.id === id)!.image;
      const manifest = JSON.parse(manifestBytes.toString("utf8")) as { mediaType?: string };
      const descriptor = {
        mediaType: manifest.mediaType ?? MediaType.ociManifest,
        digest: image.manifestDigest,
        size: manifestBytes.length,
      };
      if (tags.length === 0) indexEntries.push(descriptor);
      for (const tag of tags) {
        const ref = normalizeReference(tag);
        indexEntries.push({
          ...descriptor,
          annotations: {
            "io.containerd.image.name": formatReference(ref),
            "org.opencontainers.image.ref.name": ref.tag!,
          },
        });
        const repo = familiarName(ref);
        repositories[repo] = {
          ...(repositories[repo] ?? {}),
          [ref.tag!]: digestHex(image.layers.at(-1)?.digest ?? image.id),
        };
      }
      manifestJson.push({
        Config: blobPath(image.id),
        RepoTags: tags,
        Layers: image.layers.map((l) => blobPath(l.digest)),
      });
    }
    await addFile(
      "index.json",
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: indexEntries }),
      ),
    );
    await addFile("manifest.json", Buffer.from(JSON.stringify(manifestJson)));
    await addFile("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    if (Object.keys(repositories).length > 0)
      await addFile("repositories", Buffer.from(JSON.stringify(repositories)));
    pack.finalize();
    await piping;
  } catch (err) {
    pack.destroy(err as Error);
    await piping.catch(() => undefined);
    throw err;
  }
}

// The familiar tags of `image` that `ref` asks for: its own tag, or all tags of a bare repository.
function tagsNamed(ref: string, image: Image): string[] {
  let parsed;
  try {
    parsed = parseReference(ref);
  } catch {
    return [];
  }
  if (parsed.digest !== undefined) return [];
  if (parsed.tag !== undefined)
    return image.repoTags.filter((t) => formatReference(normalizeReference(t)) === formatReference(parsed));
  const repo = familiarName(parsed);
  return image.repoTags.filter((t) => familiarName(normalizeReference(t)) === repo);
}

// Adds one entry; a stream body is copied with back-pressure. Resolves when the pack took it.
function entry(
  pack: tarStream.Pack,
  header: Parameters<tarStream.Pack["entry"]>[0],
  body?: Buffer | Readable,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body === undefined) return void pack.entry(header, done);
    if (Buffer.isBuffer(body)) return void pack.entry(header, body, done);
    const sink = pack.entry(header, done);
    void (async () => {
      try {
        for await (const chunk of body) {
          if (!sink.write(chunk as Buffer)) await new Promise<void>((r) => sink.once("drain", () => r()));
        }
        sink.end(null);
      } catch (err) {
        sink.destroy(err as Error);
        reject(err as Error);
      }
    })();
  });
}
