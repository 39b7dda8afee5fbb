// What detach needs after a restart, one atomic JSON file per container under
// STATE/containers/<id>.json: the namespace, the plugin configs exactly as ADD ran them and
// the chain's result (DEL gets it as prevResult), and the published ports.
// Records are written atomically (temp file + rename: whole after kill -9) but not fsynced:
// they describe namespaces, veths and iptables rules, which a power loss takes away with them,
// and fsyncs would cost 5-30 ms per attach here (measured under load).
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { unlinkAtomic, writeFileAtomic } from "./atomic-file.js";
import type { CniResult, PluginConfig } from "./cni.js";
import type { NetworkAttachment } from "./types.js";

export interface AttachmentRecord {
  version: 1;
  containerId: string;
  /** Docker's endpoint name (the container name) for error messages. */
  endpoint: string;
  attachment: NetworkAttachment;
  /** The plugin chain on eth0, in ADD order; empty for "none" and "host". */
  chain: PluginConfig[];
  /** Whether the loopback plugin ran in the namespace. */
  loopback: boolean;
  /** The chain's final result; absent while ADD is in flight (a crash then: DEL without it). */
  result?: CniResult;
  /** The ID ADD ran with when it is not containerId (a claimed warm attachment's `warm-…`). */
  cniContainerId?: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function assertContainerId(id: string): void {
  if (!ID.test(id))
    throw new Error(`invalid container id for networking: ${JSON.stringify(id.slice(0, 140))}`);
}

export class AttachmentStore {
  readonly #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async open(dir: string): Promise<AttachmentStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new AttachmentStore(dir);
  }

  async put(r: AttachmentRecord): Promise<void> {
    await writeFileAtomic(this.#path(r.containerId), JSON.stringify(r), { mode: 0o600, durable: false });
  }

  async get(containerId: string): Promise<AttachmentRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(containerId), "utf8")) as AttachmentRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async delete(containerId: string): Promise<void> {
    await unlinkAtomic(this.#path(containerId), { durable: false });
  }

  async list(): Promise<AttachmentRecord[]> {
    const out: AttachmentRecord[] = [];
    for (const name of await readdir(this.#dir)) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const r = await this.get(name.slice(0, -5));
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  #path(containerId: string): string {
    assertContainerId(containerId);
    return join(this.#dir, `${containerId}.json`);
  }
}
