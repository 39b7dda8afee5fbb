// Uploading one blob to a registry: HEAD first (`Layer already exists`), a cross-repository
// mount when another repository of the same registry has it, else a monolithic upload
// (POST for a session, then one PUT streaming the blob with its digest).
import { setTimeout as sleep } from "node:timers/promises";
import { Transform } from "node:stream";
import type { LocalContentStore } from "../../content/local-store.js";
import type { Digest } from "../../oci/digest.js";
import { RegistryError } from "../errors.js";
import { isNetworkError } from "./http.js";
import { registryErrorText, repoScope, type RegistryClient } from "./client.js";

export interface BlobPush {
  client: RegistryClient;
  path: string;
  content: LocalContentStore;
}

export type PushOutcome = "exists" | "mounted" | "pushed";

const ATTEMPTS = 3;

export async function blobExists(p: BlobPush, digest: Digest): Promise<boolean> {
  const res = await p.client.request({
    method: "HEAD",
    path: `/v2/${p.path}/blobs/${digest}`,
    scopes: [repoScope(p.path, "pull,push")],
  });
  await res.drain();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new RegistryError(await errorFor(p, res.status));
}

/**
 * Makes `blob` exist in the repository. `mountFrom` are other repositories (paths in the
 * same registry) that may hold it. `onBytes` sees the bytes sent so far.
 */
export async function pushBlob(
  p: BlobPush,
  blob: { digest: Digest; size: number },
  o: { mountFrom?: readonly string[]; onBytes?: (n: number) => void } = {},
): Promise<{ outcome: PushOutcome; from?: string }> {
  if (await blobExists(p, blob.digest)) return { outcome: "exists" };
  for (let attempt = 1; ; attempt++) {
    try {
      return await upload(p, blob, o);
    } catch (err) {
      if (attempt >= ATTEMPTS || !isNetworkError(err) || p.client.signal?.aborted) throw err;
      await sleep(500 * attempt, undefined, { signal: p.client.signal });
    }
  }
}

async function upload(
  p: BlobPush,
  blob: { digest: Digest; size: number },
  o: { mountFrom?: readonly string[]; onBytes?: (n: number) => void },
): Promise<{ outcome: PushOutcome; from?: string }> {
  const from = o.mountFrom?.find((f) => f !== p.path);
  const query =
    from !== undefined ? `?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}` : "";
  const scopes = [repoScope(p.path, "pull,push"), ...(from !== undefined ? [repoScope(from, "pull")] : [])];
  const start = await p.client.request({
    method: "POST",
    path: `/v2/${p.path}/blobs/uploads/${query}`,
    headers: { "Content-Length": "0" },
    body: Buffer.alloc(0),
    scopes,
    retry: true,
  });
  await start.drain();
  if (start.status === 201 && from !== undefined) return { outcome: "mounted", from };
  if (start.status !== 202) throw new RegistryError(await errorFor(p, start.status, start));
  const location = start.header("location");
  if (location === undefined) throw new RegistryError("the registry started an upload without a Location");
  const url = new URL(location, p.client.endpoint);
  url.searchParams.set("digest", blob.digest);
  let sent = 0;
  const res = await p.client.request({
    method: "PUT",
    path: url.href,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(blob.size) },
    body: () => {
      sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          sent += chunk.length;
          o.onBytes?.(sent);
          cb(null, chunk);
        },
      });
      void p.content.read(blob.digest).then(
        (stream) => {
          stream.once("error", (err) => counter.destroy(err));
          stream.pipe(counter);
        },
        (err: unknown) => counter.destroy(err as Error),
      );
      return counter;
    },
    scopes: [repoScope(p.path, "pull,push")],
    retry: false,
  });
  if (res.status !== 201) throw new RegistryError(await errorFor(p, res.status, res));
  await res.drain();
  return { outcome: "pushed" };
}

async function errorFor(
  p: BlobPush,
  status: number,
  res?: Parameters<typeof registryErrorText>[0],
): Promise<string> {
  if (res) {
    const { text } = await registryErrorText(res);
    if (!text.startsWith("unexpected status")) return text;
  }
  if (status === 401) return "unauthorized: authentication required";
  if (status === 403) return "denied: requested access to the resource is denied";
  return `unexpected status ${status} pushing to ${p.path}`;
}
