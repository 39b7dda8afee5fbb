// The overlay snapshotter, cut like containerd's: each committed layer is unpacked once into
// snapshots/<n>/fs and keyed by its chain ID; each active (writable) snapshot — one per
// container — is snapshots/<n>/{fs,work,merged}, an overlay of its parent chain's layer dirs.
// Layer directories are built under snapshots/new-<n>, synced and renamed into place before SQLite
// records them, so after `kill -9` a recorded snapshot is always complete and anything else
// is swept away at the next open. An active snapshot is recorded first and its (empty)
// directories made after: mount makes any that are missing.
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fsyncPath, mkdirDurable } from "../content/fs-util.js";
import { KeyedMutex } from "../content/keyed-mutex.js";
import type { Digest } from "../oci/digest.js";
import { chainIds } from "./chain.js";
import { diffTar, exportTar, usageOf } from "./archive.js";
import { LayerError, SnapshotExistsError, SnapshotNotFoundError } from "./errors.js";
import { buildLayerDir } from "./layer-build.js";
import { SnapshotMetadata, type ActiveRecord } from "./metadata.js";
import { isMountPoint, mountOverlay, mountPoints, unmount } from "./mounts.js";

/** A layer blob as stored (gzip or plain tar) and the digest of its uncompressed tar. */
export interface LayerSource {
  diffId: Digest;
  open(): Promise<Readable>;
}

/** Progress of one layer: `current` counts uncompressed bytes applied. */
export interface PrepareProgress {
  diffId: Digest;
  current: number;
  total?: number;
  done: boolean;
}

const STAGING = "new-";
// The lower dir of an active snapshot without a parent (an image with no layers).
const EMPTY_LOWER = "../empty";

export class OverlaySnapshotter {
  readonly #dir: string; // DATA/snapshots/snapshots: mounts run here with relative paths
  readonly #meta: SnapshotMetadata;
  readonly #locks = new KeyedMutex();
  // Chain IDs a running prepareImage relies on; prune leaves them alone.
  readonly #pinned = new Map<string, number>();

  private constructor(root: string, meta: SnapshotMetadata) {
    this.#dir = join(root, "snapshots");
    this.#meta = meta;
  }

  static async open(o: { root: string }): Promise<OverlaySnapshotter> {
    await mkdirDurable(join(o.root, "snapshots"));
    await mkdir(join(o.root, "empty"), { recursive: true });
    const s = new OverlaySnapshotter(o.root, new SnapshotMetadata(join(o.root, "metadata.db")));
    await s.#sweep();
    return s;
  }

  /**
   * Makes sure every layer of an image is unpacked, bottom first, and returns the top chain ID
   * (undefined for an image without layers). Concurrent calls share the work per layer.
   */
  async prepareImage(
    layers: readonly LayerSource[],
    onProgress?: (e: PrepareProgress) => void,
  ): Promise<string | undefined> {
    const ids = chainIds(layers.map((l) => l.diffId));
    for (const id of ids) this.#pinned.set(id, (this.#pinned.get(id) ?? 0) + 1);
    try {
      for (const [i, layer] of layers.entries()) {
        const chainId = ids[i] as string;
        await this.#locks.run(chainId, () => this.#ensureLayer(chainId, ids[i - 1], layer, onProgress));
      }
    } finally {
      for (const id of ids) {
        const n = (this.#pinned.get(id) ?? 1) - 1;
        if (n === 0) this.#pinned.delete(id);
        else this.#pinned.set(id, n);
      }
    }
    return ids.at(-1);
  }

  /** Whether a committed layer with this chain ID is present. */
  hasChain(chainId: string): boolean {
    return this.#meta.layer(chainId) !== undefined;
  }

  /**
   * Creates the writable snapshot `key` on top of the committed chain `parent`: one SQLite
   * transaction, then its empty directories, unsynced (mount makes any a power loss took).
   */
  createActive(key: string, parent: string | undefined): Promise<void> {
    return this.#locks.run(`active:${key}`, async () => {
      if (this.#meta.active(key)) throw new SnapshotExistsError(key);
      if (parent !== undefined && !this.#meta.layer(parent)) throw new SnapshotNotFoundError(parent);
      const id = this.#meta.createActive(key, parent);
      try {
        await this.#makeActiveDirs(id);
      } catch (err) {
        this.#meta.removeActive(key);
        await rm(join(this.#dir, String(id)), { recursive: true, force: true });
        throw err;
      }
    });
  }

  /** Mounts the active snapshot `key` (idempotent) and returns the merged path. */
  mount(key: string): Promise<string> {
    return this.#locks.run(`active:${key}`, async () => {
      const rec = this.#activeOrThrow(key);
      const merged = this.#path(rec.id, "merged");
      if (await isMountPoint(merged)) return merged;
      await this.#makeActiveDirs(rec.id);
      await mountOverlay({
        lower: rec.parent === undefined ? [EMPTY_LOWER] : this.#lowerDirs(rec.parent),
        upper: `${rec.id}/fs`,
        work: `${rec.id}/work`,
        target: merged,
        cwd: this.#dir,
      });
      return merged;
    });
  }

  unmount(key: string): Promise<void> {
    return this.#locks.run(`active:${key}`, () => unmount(this.#path(this.#activeOrThrow(key).id, "merged")));
  }

  /** Unmounts and deletes the active snapshot `key`; nothing happens when it does not exist. */
  removeActive(key: string): Promise<void> {
    return this.#locks.run(`active:${key}`, async () => {
      const rec = this.#meta.active(key);
      if (!rec) return;
      await unmount(this.#path(rec.id, "merged"));
      this.#meta.removeActive(key);
      await rm(join(this.#dir, String(rec.id)), { recursive: true, force: true });
    });
  }

  /** The changes of active snapshot `key` as an uncompressed OCI layer tar (for commit). */
  diff(key: string): Readable {
    return diffTar(this.#path(this.#activeOrThrow(key).id, "fs"));
  }

  /** The merged filesystem of `key` as a tar; mounts it for the duration when it is not mounted. */
  export(key: string): Readable {
    const rec = this.#activeOrThrow(key);
    const merged = this.#path(rec.id, "merged");
    return exportTar(async () => {
      const wasMounted = await isMountPoint(merged);
      await this.mount(key);
      return { dir: merged, release: () => (wasMounted ? Promise.resolve() : this.unmount(key)) };
    });
  }

  /** Bytes written in the active snapshot `key` (its upper dir), as `docker ps -s` shows. */
  usage(key: string): Promise<number> {
    return usageOf(this.#path(this.#activeOrThrow(key).id, "fs"));
  }

  /**
   * Removes committed layers that are not in `keep`, not below a kept chain, not below an
   * active snapshot and not in use by a running prepareImage. Returns the removed chain IDs.
   */
  async prune(keep: Set<string>): Promise<string[]> {
    const layers = this.#meta.layers();
    const byChain = new Map(layers.map((l) => [l.chainId, l]));
    const needed = new Set<string>();
    const mark = (chainId: string | undefined): void => {
      for (let c = chainId; c !== undefined && !needed.has(c); c = byChain.get(c)?.parent) needed.add(c);
    };
    for (const c of keep) mark(c);
    for (const c of this.#pinned.keys()) mark(c);
    for (const a of this.#meta.actives()) mark(a.parent);
    const depth = (c: string | undefined): number =>
      c === undefined ? 0 : 1 + depth(byChain.get(c)?.parent);
    const doomed = layers
      .filter((l) => !needed.has(l.chainId))
      .sort((a, b) => depth(b.chainId) - depth(a.chainId)); // children before their parents
    const removed: string[] = [];
    for (const layer of doomed) {
      const gone = await this.#locks.run(layer.chainId, async () => {
        if (this.#pinned.has(layer.chainId) || this.#hasChildren(layer.chainId)) return false;
        // The foreign keys refuse it if a snapshot was created on it since the check above.
        if (!this.#meta.tryRemoveLayer(layer.chainId)) return false;
        await rm(join(this.#dir, String(layer.id)), { recursive: true, force: true });
        return true;
      });
      if (gone) removed.push(layer.chainId);
    }
    return removed;
  }

  close(): void {
    this.#meta.close();
  }

  async #ensureLayer(
    chainId: string,
    parent: string | undefined,
    source: LayerSource,
    onProgress: ((e: PrepareProgress) => void) | undefined,
  ): Promise<void> {
    const existing = this.#meta.layer(chainId);
    if (existing) {
      onProgress?.({ diffId: source.diffId, current: existing.size, total: existing.size, done: true });
      return;
    }
    const id = this.#meta.allocateId();
    const stagingName = `${STAGING}${id}`;
    const staging = join(this.#dir, stagingName);
    try {
      const size = await buildLayerDir({
        cwd: this.#dir,
        staging: stagingName,
        lower: parent === undefined ? undefined : this.#lowerDirs(parent),
        diffId: source.diffId,
        open: () => source.open(),
        onBytes: (current) => onProgress?.({ diffId: source.diffId, current, done: false }),
      });
      await rename(staging, join(this.#dir, String(id)));
      await fsyncPath(this.#dir);
      this.#meta.addLayer({ chainId, id, parent, diffId: source.diffId, size });
      onProgress?.({ diffId: source.diffId, current: size, total: size, done: true });
    } catch (err) {
      await unmount(join(staging, "merged"), { lazy: true }).catch(() => undefined);
      await rm(staging, { recursive: true, force: true });
      if (err instanceof LayerError) throw err;
      throw new LayerError(source.diffId, (err as Error).message);
    }
  }

  async #makeActiveDirs(id: number): Promise<void> {
    await Promise.all(
      (["fs", "work", "merged"] as const).map((sub) => mkdir(this.#path(id, sub), { recursive: true })),
    );
  }

  // Layer dirs of a chain, top first, relative to the snapshots dir.
  #lowerDirs(chainId: string): string[] {
    const out: string[] = [];
    for (let c: string | undefined = chainId; c !== undefined;) {
      const layer = this.#meta.layer(c);
      if (!layer) throw new SnapshotNotFoundError(c);
      out.push(`${layer.id}/fs`);
      c = layer.parent;
    }
    return out;
  }

  #hasChildren(chainId: string): boolean {
    return (
      this.#meta.layers().some((l) => l.parent === chainId) ||
      this.#meta.actives().some((a) => a.parent === chainId)
    );
  }

  #activeOrThrow(key: string): ActiveRecord {
    const rec = this.#meta.active(key);
    if (!rec) throw new SnapshotNotFoundError(key);
    return rec;
  }

  #path(id: number, sub: "fs" | "work" | "merged"): string {
    return join(this.#dir, String(id), sub);
  }

  // After a crash: directories that no record names (half-unpacked layers, half-created or
  // half-removed snapshots) are unmounted and deleted. Mounts of recorded actives stay: their
  // containers may still be running.
  async #sweep(): Promise<void> {
    const known = new Set([...this.#meta.layers(), ...this.#meta.actives()].map((r) => String(r.id)));
    const mounts = await mountPoints();
    for (const name of await readdir(this.#dir)) {
      if (known.has(name)) continue;
      const dir = join(this.#dir, name);
      const inside = [...mounts].filter((p) => p.startsWith(`${dir}/`));
      for (const m of inside.sort().reverse()) await unmount(m, { lazy: true });
      await rm(dir, { recursive: true, force: true });
    }
  }
}
