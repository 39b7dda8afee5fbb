// Chooses the cluster API's storage from `--datastore`: the embedded SQLite file under the
// data directory by default, or an etcd cluster; Secrets are encrypted at rest on both.
import { mkdir } from "node:fs/promises";
import { EncryptingStore, loadEncryptionKey } from "./encrypting-store.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

/**
 * `datastore`: undefined (SQLite in `dir`) or `etcd://HOST:PORT[,HOST:PORT...][?prefix=/p]`.
 * `dir` also holds the encryption key, whichever backend is used.
 */
export async function openStore(datastore: string | undefined, dir: string): Promise<Store> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = await loadEncryptionKey(dir);
  return new EncryptingStore(await openBackend(datastore, dir), key);
}

async function openBackend(datastore: string | undefined, dir: string): Promise<Store> {
  if (datastore === undefined || datastore === "" || datastore === "sqlite") return SqliteStore.open(dir);
  const m = /^etcd:\/\/([^/?]+)(?:\/?\?prefix=([^&]+))?$/.exec(datastore);
  if (m === null) {
    throw new Error(
      `unsupported --datastore "${datastore}": use etcd://HOST:PORT[,HOST:PORT] or leave it out for the embedded SQLite store`,
    );
  }
  const endpoints = (m[1] as string).split(",").map((hostPort) => `http://${hostPort}`);
  // Loaded only for etcd: its gRPC client and protobuf definitions are megabytes of heap that
  // a server on the embedded store would carry for nothing.
  const { EtcdStore } = await import("./etcd-store.js");
  return new EtcdStore({ endpoints, ...(m[2] !== undefined && { prefix: decodeURIComponent(m[2]) }) });
}
