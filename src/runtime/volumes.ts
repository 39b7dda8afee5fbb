// Docker's "local" volume driver: a volume is the directory ROOT/<name>/_data, its metadata
// (labels, options, creation time) is ROOT/<name>/meta.json. A volume is built in a temp
// directory and published with one rename, so after a crash it either exists whole or not at all.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../net/atomic-file.js";

/** Docker's Volume JSON (GET /volumes/{name}). */
export interface DockerVolume {
  Name: string;
  Driver: "local";
  Mountpoint: string;
  /** RFC 3339, seconds precision, as Docker prints it. */
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Scope: "local";
  Options: Record<string, string> | null;
}

/** The label Docker puts on volumes created without a name; prune removes only these unless all. */
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Options Docker's local driver knows; they ask it to mount something, which Skiff does not do yet. */
const MOUNT_OPTIONS = new Set(["type", "device", "o", "size"]);

export class VolumeError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

/** 404 `get NAME: no such volume` (Docker words remove's miss the same way). */
export class VolumeNotFoundError extends VolumeError {
  constructor(name: string) {
    super(404, `get ${name}: no such volume`);
  }
}

/** 409 `remove NAME: volume is in use - [ID ...]` */
export class VolumeInUseError extends VolumeError {
  constructor(name: string, ids: readonly string[]) {
    super(409, `remove ${name}: volume is in use - [${ids.join(" ")}]`);
  }
}

/** 400: a name or driver option the local driver refuses. */
export class InvalidVolumeError extends VolumeError {
  constructor(message: string) {
    super(400, message);
  }
}

interface Meta {
  createdAt: string;
  labels: Record<string, string>;
  options: Record<string, string>;
}

export class VolumeStore {
  readonly #root: string;
  readonly #volumes = new Map<string, DockerVolume>();

  private constructor(root: string) {
    this.#root = root;
  }

  static async open(o: { root: string }): Promise<VolumeStore> {
    await mkdir(o.root, { recursive: true, mode: 0o701 });
    const store = new VolumeStore(o.root);
    for (const entry of await readdir(o.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith(".")) {
        // A create or remove that a crash interrupted.
        await rm(join(o.root, entry.name), { recursive: true, force: true });
        continue;
      }
      if (!NAME.test(entry.name)) continue;
      const v = await store.#load(entry.name);
      if (v !== undefined) store.#volumes.set(v.Name, v);
    }
    return store;
  }

  /** Creates a volume; a name that exists returns the existing volume unchanged (Docker's behaviour). */
  async create(o: {
    name?: string;
    labels?: Record<string, string>;
    driverOpts?: Record<string, string>;
  }): Promise<DockerVolume> {
    const anonymous = o.name === undefined || o.name === "";
    const name = anonymous ? randomBytes(32).toString("hex") : (o.name as string);
    if (!NAME.test(name)) {
      throw new InvalidVolumeError(
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    const existing = this.#volumes.get(name);
    if (existing !== undefined) return existing;
    const options = o.driverOpts ?? {};
    const keys = Object.keys(options);
    const unknown = keys.find((k) => !MOUNT_OPTIONS.has(k));
    if (unknown !== undefined) throw new InvalidVolumeError(`create ${name}: invalid option: "${unknown}"`);
    if (keys.length > 0) {
      throw new InvalidVolumeError(
        `create ${name}: the local driver's mount options (type, device, o) are not supported`,
      );
    }
    const labels = { ...(anonymous ? { [ANONYMOUS_LABEL]: "" } : {}), ...(o.labels ?? {}) };
    const meta: Meta = { createdAt: rfc3339(new Date()), labels, options };

    const tmp = join(this.#root, `.create-${randomBytes(8).toString("hex")}`);
    await mkdir(join(tmp, "_data"), { recursive: true, mode: 0o755 });
    await writeFileAtomic(join(tmp, "meta.json"), JSON.stringify(meta), { mode: 0o600 });
    try {
      await rename(tmp, join(this.#root, name));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      // A concurrent create of the same name won.
      const won = this.#volumes.get(name) ?? (await this.#load(name));
      if (won === undefined) throw err;
      this.#volumes.set(name, won);
      return won;
    }
    await syncDir(this.#root);
    const v = this.#view(name, meta);
    this.#volumes.set(name, v);
    return v;
  }

  get(name: string): DockerVolume {
    const v = this.#volumes.get(name);
    if (v === undefined) throw new VolumeNotFoundError(name);
    return v;
  }

  list(): DockerVolume[] {
    return [...this.#volumes.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /**
   * Deletes a volume and its data. `inUseBy` are the containers that use it (the caller knows);
   * any makes it a 409, force or not. force: a missing volume is not an error.
   */
  async remove(name: string, o: { force: boolean; inUseBy: string[] }): Promise<void> {
    if (!this.#volumes.has(name)) {
      if (o.force) return;
      throw new VolumeNotFoundError(name);
    }
    if (o.inUseBy.length > 0) throw new VolumeInUseError(name, o.inUseBy);
    await this.#delete(name);
  }

  /** Removes unused volumes: anonymous ones, or all unused ones with `all` (Docker 23+). */
  async prune(
    inUse: Set<string>,
    o: { all: boolean },
  ): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const v of this.list()) {
      if (inUse.has(v.Name)) continue;
      if (!o.all && !(v.Labels !== null && ANONYMOUS_LABEL in v.Labels)) continue;
      space += await diskUsage(v.Mountpoint);
      await this.#delete(v.Name);
      deleted.push(v.Name);
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: space };
  }

  /** Unpublishes with one rename (the name is free at once), then deletes the data. */
  async #delete(name: string): Promise<void> {
    const trash = join(this.#root, `.remove-${randomBytes(8).toString("hex")}`);
    await rename(join(this.#root, name), trash);
    this.#volumes.delete(name);
    await syncDir(this.#root);
    await rm(trash, { recursive: true, force: true });
  }

  async #load(name: string): Promise<DockerVolume | undefined> {
    const dir = join(this.#root, name);
    let meta: Meta;
    try {
      meta = JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as Meta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      // A directory made by hand (or by an older layout): a volume with no metadata.
      const st = await lstat(join(dir, "_data")).catch(() => undefined);
      if (st === undefined || !st.isDirectory()) return undefined;
      meta = { createdAt: rfc3339(st.birthtime), labels: {}, options: {} };
    }
    return this.#view(name, meta);
  }

  #view(name: string, meta: Meta): DockerVolume {
    return {
      CreatedAt: meta.createdAt,
      Driver: "local",
      Labels: Object.keys(meta.labels).length > 0 ? meta.labels : null,
      Mountpoint: join(this.#root, name, "_data"),
      Name: name,
      Options: Object.keys(meta.options).length > 0 ? meta.options : null,
      Scope: "local",
    };
  }
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Bytes used by the files under `dir` (no links followed). */
async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await diskUsage(path);
    else total += (await lstat(path).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
