// In-memory ImageService and VolumeStore for the engine's tests: names, tags, pull and push
// with progress, login against one user, import that reads the whole body.
import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { digestOf } from "../../oci/digest.js";
import { EngineError } from "../errors.js";
import type {
  DockerVolume,
  EngineImages,
  EngineVolumes,
  Image,
  ProgressSink,
  RegistryCredentials,
} from "../ports.js";

/** Docker's familiar form with a default tag: `busybox` → `busybox:latest`. */
function withTag(ref: string): string {
  const name = ref.replace(/^docker\.io\/library\//, "").replace(/^docker\.io\//, "");
  return name.includes("@") || name.slice(name.lastIndexOf("/") + 1).includes(":") ? name : `${name}:latest`;
}

export function fakeImage(tags: string[], seed = tags.join(",")): Image {
  return {
    id: digestOf(`config:${seed}`),
    manifestDigest: digestOf(`manifest:${seed}`),
    repoTags: tags,
    repoDigests: [],
    config: {
      architecture: "amd64",
      os: "linux",
      created: "2026-01-02T03:04:05Z",
      config: { Cmd: ["sh"], Env: ["PATH=/bin"], Labels: { fake: "yes" } },
      rootfs: { type: "layers", diff_ids: [digestOf(`layer:${seed}`)] },
    },
    layers: [
      {
        digest: digestOf(`blob:${seed}`),
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        size: 1000,
        diffId: digestOf(`layer:${seed}`),
      },
    ],
    size: 1000,
  };
}

export class FakeImages implements EngineImages {
  readonly images: Image[] = [];
  /** The user and password `login` and pushes accept. */
  readonly user = { username: "skiff", password: "secret" };
  readonly credentialsSeen: Array<RegistryCredentials | undefined> = [];

  get(refOrId: string): Image {
    const tag = withTag(refOrId);
    const found = this.images.find(
      (i) =>
        i.repoTags.includes(tag) ||
        i.id === refOrId ||
        (refOrId.length >= 4 && i.id.slice(7).startsWith(refOrId)),
    );
    if (found === undefined) throw new EngineError(404, `No such image: ${refOrId}`);
    return found;
  }

  list(): Image[] {
    return [...this.images];
  }

  async pull(
    ref: string,
    o: { credentials?: RegistryCredentials; onProgress: ProgressSink },
  ): Promise<Image> {
    this.credentialsSeen.push(o.credentials);
    if (ref.includes("missing"))
      throw new EngineError(404, `pull access denied for ${ref}, repository does not exist`);
    const tag = withTag(ref);
    o.onProgress({
      status: `Pulling from ${tag.slice(0, tag.lastIndexOf(":"))}`,
      id: tag.slice(tag.lastIndexOf(":") + 1),
    });
    o.onProgress({ status: "Downloading", id: "abc123", progressDetail: { current: 500, total: 1000 } });
    o.onProgress({ status: "Pull complete", id: "abc123" });
    if (ref.includes("broken")) throw new EngineError(500, "unexpected EOF");
    const image = fakeImage([tag]);
    this.images.push(image);
    return image;
  }

  async push(ref: string, o: { credentials?: RegistryCredentials; onProgress: ProgressSink }) {
    this.credentialsSeen.push(o.credentials);
    const image = this.get(ref);
    o.onProgress({ status: "Pushed", id: "abc123" });
    return {
      digest: image.manifestDigest,
      size: 528,
      tag: withTag(ref).slice(withTag(ref).lastIndexOf(":") + 1),
    };
  }

  async login(_server: string, c: RegistryCredentials): Promise<{ identityToken?: string }> {
    if (c.username !== this.user.username || c.password !== this.user.password) {
      throw new EngineError(401, "login attempt failed: unauthorized: incorrect username or password");
    }
    return {};
  }

  tag(source: string, target: string): void {
    this.get(source).repoTags.push(withTag(target));
  }

  async remove(ref: string, o: { force: boolean; usedBy(id: string): string[] }) {
    const image = this.get(ref);
    const users = o.usedBy(image.id);
    if (users.length > 0 && !o.force) {
      throw new EngineError(
        409,
        `conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0]?.slice(0, 12)} is using its referenced image ${image.id.slice(7, 19)}`,
      );
    }
    const tag = withTag(ref);
    if (image.repoTags.length > 1 && image.repoTags.includes(tag)) {
      image.repoTags.splice(image.repoTags.indexOf(tag), 1);
      return [{ Untagged: tag }];
    }
    this.images.splice(this.images.indexOf(image), 1);
    return [...image.repoTags.map((t) => ({ Untagged: t })), { Deleted: image.id }];
  }

  history(ref: string) {
    const image = this.get(ref);
    return [
      {
        Id: image.id,
        Created: 0,
        CreatedBy: "Imported from -",
        Tags: image.repoTags,
        Size: image.size,
        Comment: "",
      },
    ];
  }

  async save(refs: string[], out: Writable): Promise<void> {
    out.write(Buffer.from(`fake archive of ${refs.join(",")}\n`));
  }

  async load(archive: Readable, onProgress: ProgressSink): Promise<string[]> {
    let size = 0;
    for await (const chunk of archive as AsyncIterable<Buffer>) size += chunk.length;
    onProgress({ status: "Loading layer", progressDetail: { current: size, total: size } });
    const image = fakeImage(["loaded:v1"], `loaded-${size}`);
    this.images.push(image);
    return image.repoTags;
  }

  async importRootfs(
    tar: Readable,
    o: { ref?: string; changes: string[]; message?: string },
  ): Promise<Image> {
    let size = 0;
    for await (const chunk of tar as AsyncIterable<Buffer>) size += chunk.length;
    const image = fakeImage(
      o.ref === undefined ? [] : [withTag(o.ref)],
      `import-${size}-${o.changes.join(";")}`,
    );
    image.size = size;
    image.config.comment = o.message;
    this.images.push(image);
    return image;
  }

  commit(): Promise<Image> {
    return Promise.reject(new EngineError(500, "commit is not faked"));
  }
}

export class FakeVolumes implements EngineVolumes {
  readonly #volumes = new Map<string, DockerVolume>();

  async create(o: { name?: string; labels?: Record<string, string> }): Promise<DockerVolume> {
    const name = o.name ?? randomBytes(32).toString("hex");
    const existing = this.#volumes.get(name);
    if (existing !== undefined) return existing;
    const volume: DockerVolume = {
      Name: name,
      Driver: "local",
      Mountpoint: `/fake/volumes/${name}/_data`,
      CreatedAt: new Date().toISOString(),
      Labels: o.labels ?? null,
      Scope: "local",
      Options: null,
    };
    this.#volumes.set(name, volume);
    return volume;
  }

  get(name: string): DockerVolume {
    const v = this.#volumes.get(name);
    if (v === undefined) throw new EngineError(404, `get ${name}: no such volume`);
    return v;
  }

  list(): DockerVolume[] {
    return [...this.#volumes.values()];
  }

  async remove(name: string, o: { inUseBy: string[] }): Promise<void> {
    this.get(name);
    if (o.inUseBy.length > 0)
      throw new EngineError(409, `remove ${name}: volume is in use - [${o.inUseBy.join(", ")}]`);
    this.#volumes.delete(name);
  }

  async prune(inUse: Set<string>): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const deleted = [...this.#volumes.keys()].filter((n) => !inUse.has(n));
    for (const n of deleted) this.#volumes.delete(n);
    return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
  }
}
