// ImageService: the local image store (content store + SQLite index) and everything that
// makes or moves images: pull/push (registry-client/), save/load (archive/), import, commit.
// The contract is docs/engine.md ("images/").
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "pino";
import { mkdirDurable } from "../content/fs-util.js";
import { LocalContentStore } from "../content/local-store.js";
import type { ContentProvider } from "../content/store.js";
import type { Digest } from "../oci/digest.js";
import type { ImageConfig } from "../oci/image-config.js";
import { formatReference, loginDomain, normalizeReference } from "../oci/reference.js";
import { loadArchive } from "./archive/load.js";
import { saveArchive } from "./archive/save.js";
import { ImageNotFoundError, ImageRequestError } from "./errors.js";
import { ImageDb, type ImageRecord } from "./image-db.js";
import { historyOf, toImage, type DockerHistoryEntry, type Image } from "./image-view.js";
import { commitImage, importImage, type CommitOptions, type ImportOptions } from "./make-image.js";
import { resolveImage } from "./lookup.js";
import type { ProgressSink } from "./progress.js";
import { login } from "./registry-client/login.js";
import { pullImage } from "./registry-client/pull.js";
import { pushImage } from "./registry-client/push.js";
import type { RegistryCredentials } from "./registry-client/auth.js";
import { removeImage, type RemoveResult } from "./remove.js";
import { BlobPins, type ImageStore } from "./store.js";

export type { Image, DockerHistoryEntry, RegistryCredentials, ImageConfig };
export type { ImageLayer } from "./image-db.js";
export type { ProgressMessage, ProgressSink } from "./progress.js";
export {
  ImageNotFoundError,
  ImageConflictError,
  ImageRequestError,
  RegistryError,
  UnauthorizedError,
} from "./errors.js";

export class ImageService {
  readonly #content: LocalContentStore;
  readonly #db: ImageDb;
  readonly #logger: Logger;
  readonly #pins = new BlobPins();
  /** Registries (`host:port`) reached over plain HTTP, as Docker's `insecure-registries`. */
  readonly #insecure: ReadonlySet<string>;

  private constructor(
    content: LocalContentStore,
    db: ImageDb,
    logger: Logger,
    insecure: ReadonlySet<string>,
  ) {
    this.#content = content;
    this.#db = db;
    this.#logger = logger;
    this.#insecure = insecure;
  }

  /** Opens (creating) the store under `root`: `content/` and `images.db`. */
  static async open(o: {
    root: string;
    logger: Logger;
    insecureRegistries?: readonly string[];
  }): Promise<ImageService> {
    await mkdirDurable(o.root);
    const content = await LocalContentStore.open(join(o.root, "content"));
    const db = new ImageDb(join(o.root, "images.db"));
    const service = new ImageService(content, db, o.logger, new Set(o.insecureRegistries ?? []));
    // Blobs of a pull or rmi that kill -9 interrupted belong to no image: nothing else runs yet.
    await service.#collectBlobs();
    return service;
  }

  /** Layer blobs (as pulled: usually gzip), for unpacking. */
  get content(): ContentProvider {
    return this.#content;
  }

  get(refOrId: string): Image {
    const { id } = resolveImage(this.#db, refOrId);
    return this.#view(id, refOrId);
  }

  list(): Image[] {
    const names = this.#db.allNames();
    return this.#db.all().map((r) => toImage(r, names.get(r.id) ?? []));
  }

  pull(
    ref: string,
    o: {
      platform?: string;
      credentials?: RegistryCredentials;
      onProgress: ProgressSink;
      signal?: AbortSignal;
    },
  ): Promise<Image> {
    return pullImage(this.#store(), ref, { ...o, plainHttp: this.#plainHttp(ref) }).then((id) =>
      this.#view(id, ref),
    );
  }

  push(
    ref: string,
    o: { credentials?: RegistryCredentials; onProgress: ProgressSink; signal?: AbortSignal },
  ): Promise<{ digest: Digest; size: number; tag: string }> {
    return pushImage(this.#store(), ref, { ...o, plainHttp: this.#plainHttp(ref) });
  }

  login(serverAddress: string, c: RegistryCredentials): Promise<{ identityToken?: string }> {
    return login(serverAddress, c, { plainHttp: this.#insecure.has(loginDomain(serverAddress)) });
  }

  /** Whether `ref`'s registry is one of the insecure ones (a bad reference fails later, in words). */
  #plainHttp(ref: string): boolean {
    try {
      return this.#insecure.has(normalizeReference(ref).domain);
    } catch {
      return false;
    }
  }

  /** Points `target` (a name; `latest` when untagged) at the image `source` names. */
  tag(source: string, target: string): void {
    const { id } = resolveImage(this.#db, source);
    const ref = normalizeReference(target);
    if (ref.digest !== undefined)
      throw new ImageRequestError("refusing to create a tag with a digest reference");
    this.#db.setName(formatReference(ref), id);
  }

  async remove(
    ref: string,
    o: { force: boolean; noPrune: boolean; usedBy(imageId: Digest): string[] },
  ): Promise<RemoveResult> {
    const target = resolveImage(this.#db, ref);
    const { result, deleted } = removeImage(this.#db, target, ref, o);
    if (deleted) await this.#collectBlobs();
    return result;
  }

  history(ref: string): DockerHistoryEntry[] {
    return historyOf(this.get(ref));
  }

  save(refs: string[], out: Writable): Promise<void> {
    const images = refs.map((r) => ({ ref: r, image: this.get(r) }));
    return saveArchive(this.#content, images, out);
  }

  load(archive: Readable, onProgress: ProgressSink): Promise<string[]> {
    return loadArchive(this.#store(), archive, onProgress);
  }

  async importRootfs(tar: Readable, o: ImportOptions): Promise<Image> {
    const id = await importImage(this.#store(), tar, o);
    return this.#view(id, id);
  }

  async commit(o: CommitOptions): Promise<Image> {
    const id = await commitImage(this.#store(), o);
    return this.#view(id, id);
  }

  close(): void {
    this.#db.close();
  }

  #view(id: Digest, asked: string): Image {
    const record = this.#db.get(id);
    if (!record) throw new ImageNotFoundError(asked);
    return toImage(record, this.#db.namesOf(id));
  }

  // The narrow store the transfer modules work against.
  #store(): ImageStore {
    return {
      content: this.#content,
      db: this.#db,
      pins: this.#pins,
      logger: this.#logger,
      record: (id: Digest): ImageRecord | undefined => this.#db.get(id),
    };
  }

  // Deletes blobs no image holds on to, sparing blobs a transfer in progress is using.
  async #collectBlobs(): Promise<void> {
    const inUse = this.#db.blobsInUse();
    let deleted = 0;
    for await (const info of this.#content.walk()) {
      if (inUse.has(info.digest) || this.#pins.has(info.digest)) continue;
      await this.#content.delete(info.digest);
      deleted++;
    }
    if (deleted > 0) this.#logger.debug({ deleted }, "deleted blobs no image uses");
  }
}
