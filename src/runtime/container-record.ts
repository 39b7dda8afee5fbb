// A container's record: everything Skiff knows about it that is not in runc or conmon, kept in
// DATA/containers/<id>/config.json and replaced atomically (temp file, fsync, rename, fsync of
// the directory) on every change, so a kill -9 leaves either the old or the new record.
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fsyncPath, isNotFound, mkdirDurable } from "../content/fs-util.js";
import type { ContainerFiles, NetworkAttachment, PortBinding } from "./container-deps.js";
import type { ContainerConfig, ContainerStatus, HostConfig } from "./docker-api-types.js";

/** A mount as resolved at create: `source` is the host path (for volumes, the volume's at create). */
export interface MountSpec {
  type: "bind" | "volume" | "tmpfs";
  name?: string; // volume name
  anonymous?: boolean; // volume created for this container (removed with `rm -v`)
  source: string;
  destination: string;
  rw: boolean;
  mode: string; // as given: "ro", "z", "" …
  propagation: string; // "rprivate" for binds, "" otherwise
  tmpfsOptions?: string[];
  /** Volume: do not fill it from the image's directory (`nocopy`). */
  noCopy?: boolean;
}

export interface RecordState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedAt: string; // ISO 8601, "" when never
  finishedAt: string;
}

export interface ContainerRecord {
  version: 1;
  id: string;
  name: string; // without the leading "/"
  created: string;
  imageRef: string; // as the user named it ("busybox")
  imageId: string;
  platform: string; // image os/arch, e.g. "linux/amd64"
  path: string;
  args: string[];
  config: ContainerConfig; // merged with the image's
  hostConfig: HostConfig; // defaults applied
  ports: PortBinding[]; // requested (hostPort 0 = any)
  mounts: MountSpec[];
  state: RecordState;
  restartCount: number;
  /** Stopped or killed by the user: restart policies (except at server start for `always`) leave it down. */
  manuallyStopped: boolean;
  /** Being removed with `-v` (anonymous volumes go too); a restart finishes the removal. */
  removeVolumes?: boolean;
  network?: NetworkAttachment; // while running
  files?: ContainerFiles; // hosts, hostname, resolv.conf on the host
}

export const ZERO_TIME = "0001-01-01T00:00:00Z";

const RECORD_FILE = "config.json";

/** The files of one container under DATA/containers/<id>/. */
export class ContainerPaths {
  constructor(
    readonly root: string,
    readonly id: string,
  ) {}
  get dir(): string {
    return join(this.root, this.id);
  }
  get record(): string {
    return join(this.dir, RECORD_FILE);
  }
  /** The OCI bundle (runc's config.json, conmon's ctl/attach); separate from our record. */
  get bundle(): string {
    return join(this.dir, "bundle");
  }
  get exitDir(): string {
    return join(this.dir, "exits");
  }
  get persistDir(): string {
    return join(this.dir, "persist");
  }
  get log(): string {
    return join(this.dir, "ctr.log");
  }
  get execs(): string {
    return join(this.dir, "execs");
  }
}

export async function saveRecord(root: string, rec: ContainerRecord): Promise<void> {
  const paths = new ContainerPaths(root, rec.id);
  const tmp = `${paths.record}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(JSON.stringify(rec, null, 1));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, paths.record);
  await fsyncPath(paths.dir);
}

/**
 * Creates DATA/containers/<id>/ (empty: recovery removes a directory without a record). It is
 * durable once `syncRoot` has run, which may go alongside the first saveRecord.
 */
export async function makeRecordDir(root: string, id: string): Promise<{ syncRoot(): Promise<void> }> {
  await mkdirDurable(root);
  await mkdir(new ContainerPaths(root, id).dir, { mode: 0o700 });
  return { syncRoot: () => fsyncPath(root) };
}

export async function removeRecordDir(root: string, id: string): Promise<void> {
  await rm(new ContainerPaths(root, id).dir, { recursive: true, force: true });
  await fsyncPath(root).catch(() => undefined);
}

const ID = /^[0-9a-f]{64}$/;

/** Every record under `root`; directories without a readable record (a create cut short) are returned as `broken`. */
export async function loadRecords(root: string): Promise<{ records: ContainerRecord[]; broken: string[] }> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    if (isNotFound(err)) return { records: [], broken: [] };
    throw err;
  }
  const records: ContainerRecord[] = [];
  const broken: string[] = [];
  for (const id of entries) {
    if (!ID.test(id)) continue;
    try {
      const rec = JSON.parse(await readFile(new ContainerPaths(root, id).record, "utf8")) as ContainerRecord;
      if (rec.version === 1 && rec.id === id) records.push(rec);
      else broken.push(id);
    } catch {
      broken.push(id);
    }
  }
  return { records, broken };
}
