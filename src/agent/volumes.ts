// A pod's volumes on the node, under <data-dir>/agent/pods/<uid>/volumes/<name>: emptyDir (a
// directory, or a tmpfs for medium Memory), configMap and secret (the atomic ..data layout,
// refreshed on every prepare), hostPath (the host's path after its type check). `mounts` turns
// a container's volumeMounts into the engine's bind mounts, subPath resolved inside its volume.
import { mkdir, readFile, realpath, rm, stat } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import type { KubeObject } from "../api/types.js";
import { parseQuantity } from "../api/resources/quantity.js";
import { execTool } from "../net/exec.js";
import type { MountJSON } from "../runtime/docker-api-types.js";
import { ContainerStartFailure } from "./pod-runtime.js";
import { notFoundMessage, type ObjectData, type PodObjects, type SourceKind } from "./runtime-objects.js";
import { podSpec, podUid, type KeyToPath, type PodContainer, type PodVolume } from "./runtime-types.js";
import { writeAtomic, type Payload } from "./volumes-atomic.js";
import { prepareHostPath } from "./volumes-hostpath.js";

function configError(message: string): ContainerStartFailure {
  return new ContainerStartFailure("CreateContainerConfigError", message);
}

export class PodVolumes {
  readonly #podsDir: string;
  readonly #now: () => Date;

  /** `podsDir`: <data-dir>/agent/pods. */
  constructor(o: { podsDir: string; now?: () => Date }) {
    this.#podsDir = o.podsDir;
    this.#now = o.now ?? (() => new Date());
  }

  podDir(uid: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(uid)) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    return join(this.#podsDir, uid);
  }

  volumeDir(uid: string, name: string): string {
    return join(this.podDir(uid), "volumes", name);
  }

  /** Makes every volume of the pod ready (idempotent; configMaps and secrets written anew if changed). */
  async prepare(pod: KubeObject, objects: PodObjects): Promise<void> {
    const uid = podUid(pod);
    for (const v of podSpec(pod).volumes ?? []) await this.#prepareOne(uid, v, objects);
  }

  async #prepareOne(uid: string, v: PodVolume, objects: PodObjects): Promise<void> {
    const dir = this.volumeDir(uid, v.name);
    if (v.hostPath !== undefined) return prepareHostPath(v.hostPath.path, v.hostPath.type);
    if (v.configMap !== undefined) {
      const c = v.configMap;
      const payload = await sourcePayload(objects, "configmap", c.name ?? "", c);
      await writeAtomic(dir, payload, this.#now());
      return;
    }
    if (v.secret !== undefined) {
      const s = v.secret;
      const payload = await sourcePayload(objects, "secret", s.secretName ?? "", s);
      await writeAtomic(dir, payload, this.#now());
      return;
    }
    // emptyDir, and any kind this node does not implement, is an empty directory.
    await mkdir(dir, { recursive: true, mode: 0o777 });
    if (v.emptyDir?.medium === "Memory" && !(await isMountPoint(dir))) {
      const size = parseQuantity(v.emptyDir.sizeLimit);
      const opts = ["mode=0777", ...(size !== undefined && size > 0 ? [`size=${Math.ceil(size)}`] : [])];
      const r = await execTool("mount", ["-t", "tmpfs", "-o", opts.join(","), "tmpfs", dir]);
      if (r.code !== 0) throw configError(`mounting a tmpfs for emptyDir ${v.name}: ${r.stderr.trim()}`);
    }
  }

  /** The engine mounts of one container's volumeMounts (volumes must have been prepared). */
  async mounts(pod: KubeObject, container: PodContainer): Promise<MountJSON[]> {
    const uid = podUid(pod);
    const volumes = new Map((podSpec(pod).volumes ?? []).map((v) => [v.name, v]));
    const out: MountJSON[] = [];
    for (const m of container.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (v === undefined)
        throw configError(
          `cannot find volume ${JSON.stringify(m.name)} to mount into container ${JSON.stringify(container.name)}`,
        );
      const root = v.hostPath !== undefined ? v.hostPath.path : this.volumeDir(uid, v.name);
      const source =
        m.subPath !== undefined && m.subPath !== "" ? await subPathSource(root, m.subPath) : root;
      const forcedReadOnly = v.configMap !== undefined || v.secret !== undefined;
      out.push({
        Type: "bind",
        Source: source,
        Target: m.mountPath,
        ReadOnly: m.readOnly === true || forcedReadOnly,
      });
    }
    return out;
  }

  /** Unmounts memory-backed emptyDirs and removes the pod's directory. */
  async cleanup(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    const mounts = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
    const below = `${join(dir, "volumes")}${sep}`;
    for (const line of mounts.split("\n")) {
      const point = unescapeMount(line.split(" ")[4] ?? "");
      if (point.startsWith(below)) await execTool("umount", ["-l", point]);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function sourcePayload(
  objects: PodObjects,
  kind: SourceKind,
  name: string,
  v: { items?: KeyToPath[]; defaultMode?: number; optional?: boolean },
): Promise<Payload> {
  const data = await objects.data(kind, name);
  if (data === undefined) {
    if (v.optional === true) return new Map();
    throw configError(notFoundMessage(kind, name));
  }
  return payloadOf(kind, data, v);
}

/** The files of a configMap/secret volume: every key, or the listed items, with their modes. */
export function payloadOf(
  kind: SourceKind,
  data: ObjectData,
  v: { items?: KeyToPath[]; defaultMode?: number; optional?: boolean },
): Payload {
  const mode = v.defaultMode ?? 0o644;
  const out: Payload = new Map();
  if (v.items === undefined || v.items.length === 0) {
    for (const [key, value] of data) out.set(key, { data: value, mode });
    return out;
  }
  for (const item of v.items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (v.optional === true) continue;
      throw configError(
        kind === "configmap"
          ? `configmap references non-existent config key: ${item.key}`
          : `secret references non-existent secret key: ${item.key}`,
      );
    }
    out.set(item.path, { data: value, mode: item.mode ?? mode });
  }
  return out;
}

/** `root/subPath`, made as a directory when missing, refused when it resolves outside `root`. */
async function subPathSource(root: string, subPath: string): Promise<string> {
  if (posix.isAbsolute(subPath) || subPath.split("/").includes("..")) {
    throw configError(`invalid subPath ${JSON.stringify(subPath)}: must be a relative path without '..'`);
  }
  const path = join(root, subPath);
  if ((await stat(path).catch(() => undefined)) === undefined)
    await mkdir(path, { recursive: true, mode: 0o755 });
  const [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
  if (real !== realRoot && !real.startsWith(`${realRoot}${sep}`)) {
    throw configError(`subPath ${JSON.stringify(subPath)} resolves outside its volume`);
  }
  return real;
}

async function isMountPoint(dir: string): Promise<boolean> {
  const mounts = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  return mounts.split("\n").some((line) => unescapeMount(line.split(" ")[4] ?? "") === dir);
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
