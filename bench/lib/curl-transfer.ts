// Pushes and pulls an image blob by blob with curl (monolithic uploads, plain GETs), to
// measure what a registry serves when the client is not the bottleneck.
import { readFile } from "node:fs/promises";
import { blobPath, type Descriptor, type ImageLayout } from "../../test/support/oci-layout.js";
import { runOk } from "../../test/support/tools.js";

export interface Endpoint {
  /** http://HOST:PORT */
  url: string;
  /** "user:password" for HTTP basic auth, or undefined for none. */
  basicAuth?: string;
}

/**
 * Uploads every blob of `image` (read from the layout at `layoutDir`) into `repo`, each with
 * POST /blobs/uploads/ then one PUT of the whole blob (`?digest=`), `concurrency` at a time,
 * then PUTs the manifest under `tag`. Resolves when the manifest is accepted.
 */
export async function curlPush(
  endpoint: Endpoint,
  image: ImageLayout,
  opts: { layoutDir: string; repo: string; tag: string; concurrency: number },
): Promise<void> {
  const blobs = [...image.layers, image.config];
  await eachLimit(blobs, opts.concurrency, async (blob) => {
    const location = await startUpload(endpoint, opts.repo);
    const target = new URL(location, endpoint.url);
    target.searchParams.set("digest", blob.digest);
    const code = await curl(endpoint, [
      "-X",
      "PUT",
      "-T",
      blobPath(opts.layoutDir, blob.digest),
      "-H",
      "Content-Type: application/octet-stream",
      "-H",
      "Expect:",
      "-w",
      "%{http_code}",
      "-o",
      "/dev/null",
      target.toString(),
    ]);
    if (code !== "201") throw new Error(`PUT blob ${blob.digest} to ${opts.repo}: HTTP ${code}`);
  });
  const manifest = await readFile(blobPath(opts.layoutDir, image.manifestDigest));
  const res = await fetch(`${endpoint.url}/v2/${opts.repo}/manifests/${opts.tag}`, {
    method: "PUT",
    headers: { ...authHeader(endpoint), "Content-Type": image.manifest.mediaType },
    body: manifest,
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`PUT manifest ${opts.repo}:${opts.tag}: HTTP ${res.status}`);
}

/** GETs every layer and the config of `image` from `repo` into /dev/null, checking sizes. */
export async function curlPull(
  endpoint: Endpoint,
  image: ImageLayout,
  opts: { repo: string; concurrency: number },
): Promise<void> {
  const blobs: Descriptor[] = [...image.layers, image.config];
  await eachLimit(blobs, opts.concurrency, async (blob) => {
    const out = await curl(endpoint, [
      "-L",
      "-w",
      "%{http_code} %{size_download}",
      "-o",
      "/dev/null",
      `${endpoint.url}/v2/${opts.repo}/blobs/${blob.digest}`,
    ]);
    if (out !== `200 ${blob.size}`) throw new Error(`GET blob ${blob.digest}: ${out}, want 200 ${blob.size}`);
  });
}

export function authHeader(endpoint: Endpoint): Record<string, string> {
  if (endpoint.basicAuth === undefined) return {};
  return { Authorization: `Basic ${Buffer.from(endpoint.basicAuth).toString("base64")}` };
}

async function startUpload(endpoint: Endpoint, repo: string): Promise<string> {
  const res = await fetch(`${endpoint.url}/v2/${repo}/blobs/uploads/`, {
    method: "POST",
    headers: { ...authHeader(endpoint), "Content-Length": "0" },
  });
  await res.arrayBuffer();
  const location = res.headers.get("location");
  if (res.status !== 202 || location === null) {
    throw new Error(`POST /v2/${repo}/blobs/uploads/: HTTP ${res.status}, location ${location}`);
  }
  return location;
}

async function curl(endpoint: Endpoint, args: string[]): Promise<string> {
  const auth = endpoint.basicAuth === undefined ? [] : ["-u", endpoint.basicAuth];
  const { stdout } = await runOk("curl", ["-sS", ...auth, ...args], { timeoutMs: 600_000 });
  return stdout.trim();
}

async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
