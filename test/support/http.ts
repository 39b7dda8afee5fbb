// Raw OCI Distribution protocol requests with curl, for end-to-end tests that check status
// codes, headers and error bodies exactly as a client sees them on the wire.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./tools.js";

export interface CurlOptions {
  /** Request headers; a value of "" removes a header curl would add by itself. */
  headers?: Record<string, string>;
  /** Request body, sent byte for byte (`--data-binary @-`). */
  body?: Buffer | string;
  /** `user:password` for Basic auth. */
  user?: string;
}

export interface CurlResponse {
  status: number;
  /** Response headers of the final response, names lowercased (repeated ones joined by ", "). */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * One HTTP request with curl. The path is sent as given (`--path-as-is`: no `..` squashing),
 * `Expect: 100-continue` is turned off, and no redirect is followed. Rejects only when curl
 * itself fails (connection refused, timeout), never on an HTTP error status.
 */
export async function curl(method: string, url: string, opts: CurlOptions = {}): Promise<CurlResponse> {
  const dir = await mkdtemp(join(tmpdir(), "skiff-curl-"));
  try {
    const headerFile = join(dir, "headers");
    const bodyFile = join(dir, "body");
    const args = ["--silent", "--show-error", "--path-as-is", "--max-time", "60"];
    args.push("--dump-header", headerFile, "--output", bodyFile);
    if (method === "HEAD") args.push("--head");
    else args.push("--request", method);
    if (opts.user !== undefined) args.push("--user", opts.user);
    const headers = { Expect: "", ...opts.headers };
    for (const [name, value] of Object.entries(headers)) {
      args.push("--header", value === "" ? `${name}:` : `${name}: ${value}`);
    }
    if (opts.body !== undefined) args.push("--data-binary", "@-");
    args.push(url);
    const result = await run("curl", args, { input: opts.body ?? "", timeoutMs: 90_000 });
    if (result.code !== 0) throw new Error(`curl ${method} ${url} failed (${result.code}): ${result.stderr}`);
    // With --head curl writes the headers to --output as well; a HEAD answer has no body.
    const body = method === "HEAD" ? Buffer.alloc(0) : await readFile(bodyFile).catch(() => Buffer.alloc(0));
    const { status, headers: responseHeaders } = parseHeaders(await readFile(headerFile, "latin1"));
    const text = body.toString("utf8");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status, headers: responseHeaders, body, text, json };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The header dump holds every response (100 Continue, ...); the last block is the answer.
function parseHeaders(dump: string): { status: number; headers: Record<string, string> } {
  const blocks = dump.split(/\r?\n\r?\n/).filter((b) => b.trim() !== "");
  const last = blocks.at(-1);
  if (last === undefined) throw new Error("curl wrote no response headers");
  const [statusLine, ...lines] = last.split(/\r?\n/);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (!Number.isInteger(status)) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status, headers };
}

/** The `code`s of a spec error body `{"errors":[{"code":...}]}`; [] when the body is not one. */
export function errorCodes(res: CurlResponse): string[] {
  const errors = (res.json as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => String((e as { code?: unknown }).code));
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/**
 * Requests against one registry as its admin user: `req("GET", "/v2/...")`. The path is
 * appended to the registry URL verbatim (no normalization); an absolute URL is used as is.
 */
export type RegistryRequest = (method: string, path: string, opts?: CurlOptions) => Promise<CurlResponse>;

export function registryRequest(
  registry: { url: string; password: string },
  user = "skiff",
): RegistryRequest {
  return (method, path, opts = {}) =>
    curl(method, /^https?:\/\//.test(path) ? path : registry.url + path, {
      user: `${user}:${registry.password}`,
      ...opts,
    });
}

/** Uploads `bytes` as a blob of `repo` in one POST (`?digest=`); returns its digest. */
export async function pushBlob(req: RegistryRequest, repo: string, bytes: Buffer | string): Promise<string> {
  const digest = sha256(bytes);
  const res = await req("POST", `/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    headers: { "Content-Type": "application/octet-stream" },
    body: bytes,
  });
  if (res.status !== 201)
    throw new Error(`pushing blob ${digest} to ${repo}: HTTP ${res.status} ${res.text}`);
  return digest;
}
