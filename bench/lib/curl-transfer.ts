// Pushes and pulls an image blob by blob with curl (monolithic uploads, plain GETs), to
// measure what a registry serves when the client is not the bottleneck. One curl process runs
// all blob transfers of a step (`--parallel`, connections reused): a process per blob would
// add the same fork and start-up time (tens of ms on this VM) to both registries' figures.
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
 * Uploads every blob of `image` (read from the layout at `layoutDir`) into `repo`: a POST
 * /blobs/uploads/ each, then one PUT of each whole blob (`?digest=`), `concurrency` at a time,
 * then the manifest under `tag`. Resolves when the manifest is accepted.
 */
export async function curlPush(
  endpoint: Endpoint,
  image: ImageLayout,
  opts: { layoutDir: string; repo: string; tag: string; concurrency: number },
): Promise<void> {
  const blobs = [...image.layers, image.config];
  const locations = await Promise.all(blobs.map(() => startUpload(endpoint, opts.repo)));
  const transfers = blobs.map((blob, i) => {
    const target = new URL(locations[i] as string, endpoint.url);
    target.searchParams.set("digest", blob.digest);
    return { url: target.toString(), upload: blobPath(opts.layoutDir, blob.digest), expect: "201" };
  });
  await curlParallel(endpoint, transfers, opts.concurrency, [
    "-H",
    "Content-Type: application/octet-stream",
    "-H",
    "Expect:",
  ]);
  const manifest = await readFile(blobPath(opts.layoutDir, image.manifestDigest));
  const res = await fetch(`${endpoint.url}/v2/${opts.repo}/manifests/${opts.tag}`, {
    method: "PUT",
    headers: { ...authHeader(endpoint), "Content-Type": image.manifest.mediaType },
    body: manifest,
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`PUT manifest ${opts.repo}:${opts.tag}: HTTP ${res.status}`);
}

/**
 * GETs every layer and the config of `image` from `repo` into /dev/null, checking sizes, `passes`
 * times over: one pass of 200 MiB lasts ~0.15 s on loopback, too short to measure on a busy machine.
 */
export async function curlPull(
  endpoint: Endpoint,
  image: ImageLayout,
  opts: { repo: string; concurrency: number; passes: number },
): Promise<void> {
  const blobs: Descriptor[] = [...image.layers, image.config];
  const pass = blobs.map((blob) => ({
    url: `${endpoint.url}/v2/${opts.repo}/blobs/${blob.digest}`,
    expect: `200 ${blob.size}`,
  }));
  const transfers = Array.from({ length: opts.passes }, () => pass).flat();
  await curlParallel(endpoint, transfers, opts.concurrency, ["-L"]);
}

interface Transfer {
  url: string;
  /** A file to PUT; a GET into /dev/null without it. */
  upload?: string;
  /** What curl must report for this transfer: "<status>" for uploads, "<status> <bytes>" for GETs. */
  expect: string;
}

/** Runs all `transfers` in one curl process, `concurrency` at a time; throws on any unexpected result. */
async function curlParallel(
  endpoint: Endpoint,
  transfers: Transfer[],
  concurrency: number,
  args: string[],
): Promise<void> {
  // curl's config syntax: each url takes the upload-file/output given before the next url.
  const quote = (v: string): string => JSON.stringify(v);
  const config = transfers
    .map((t) =>
      t.upload === undefined
        ? `url = ${quote(t.url)}\noutput = "/dev/null"\n`
        : `upload-file = ${quote(t.upload)}\nurl = ${quote(t.url)}\noutput = "/dev/null"\n`,
    )
    .join("");
  const auth = endpoint.basicAuth === undefined ? [] : ["-u", endpoint.basicAuth];
  const { stdout } = await runOk(
    "curl",
    [
      "-sS",
      ...auth,
      ...args,
      "--parallel",
      "--parallel-max",
      String(Math.max(1, concurrency)),
      "-w",
      "%{url} %{http_code} %{size_download}\n",
      "-K",
      "-",
    ],
    { input: config, timeoutMs: 600_000 },
  );
  // One line per transfer, in the order they finished.
  const lines = stdout.trim().split("\n").filter(Boolean);
  const expected = new Map(transfers.map((t) => [t.url, t]));
  for (const line of lines) {
    const [url = "", code = "", size = ""] = line.split(" ");
    const t = expected.get(url);
    if (t === undefined) throw new Error(`curl reported a transfer it was not given: ${line}`);
    const got = t.upload === undefined ? `${code} ${size}` : code;
    if (got !== t.expect)
      throw new Error(`${t.upload === undefined ? "GET" : "PUT"} ${url}: ${got}, want ${t.expect}`);
  }
  if (lines.length !== transfers.length)
    throw new Error(`curl reported ${lines.length} transfers of ${transfers.length}`);
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
