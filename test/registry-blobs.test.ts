// End-to-end: the blob and blob-upload endpoints of a real Skiff registry, driven with curl.
// Checks status codes, headers and the spec's JSON error bodies, on small in-test payloads.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  curl,
  errorCodes,
  pushBlob,
  registryRequest,
  sha256,
  type CurlResponse,
  type RegistryRequest,
} from "./support/http.js";
import { startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { requireTool } from "./support/tools.js";

const haveCurl = requireTool("curl");
const OCTETS = { "Content-Type": "application/octet-stream" };

/** Asserts an error answer: the status and, unless it was a HEAD, the spec's JSON body with `code`. */
function expectError(res: CurlResponse, status: number, code?: string): void {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  if (code === undefined) return;
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(errorCodes(res)).toContain(code);
  const [first] = (res.json as { errors: Array<{ message?: unknown }> }).errors;
  expect(typeof first?.message).toBe("string");
}

function locationOf(res: CurlResponse): string {
  const location = res.headers.location;
  if (location === undefined) throw new Error(`no Location header (HTTP ${res.status})`);
  return location;
}

/** An upload URL with `?digest=` (or `&digest=`) added. */
function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${digest}`;
}

/** Every file and directory name under `dir`, recursively (relative paths). */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

describe.skipIf(!haveCurl)("registry blobs and uploads (curl)", () => {
  let sandbox: string;
  let server: SkiffServer;
  let req: RegistryRequest;

  beforeAll(async () => {
    // The data dir is the only thing in the sandbox, so anything written beside it is a leak.
    sandbox = await mkdtemp(join(tmpdir(), "skiff-blobs-test-"));
    server = await startSkiffServer({ dataDir: join(sandbox, "data") });
    req = registryRequest(server);
  });

  afterAll(async () => {
    await server?.stop();
    if (sandbox) await rm(sandbox, { recursive: true, force: true });
  });

  it("asks anonymous clients for a bearer token and accepts the token it issues", async () => {
    const anonymous = await curl("GET", `${server.url}/v2/`);
    expectError(anonymous, 401, "UNAUTHORIZED");
    const challenge = anonymous.headers["www-authenticate"] ?? "";
    expect(challenge).toMatch(/^Bearer /);
    const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
    const service = /service="([^"]+)"/.exec(challenge)?.[1];
    expect(realm).toBeDefined();

    const scope = "repository:blobs/auth:pull,push";
    const tokenUrl = `${realm}?service=${encodeURIComponent(service ?? "")}&scope=${encodeURIComponent(scope)}`;
    const issued = await curl("GET", tokenUrl, { user: `skiff:${server.password}` });
    expect(issued.status).toBe(200);
    const token = (issued.json as { token: string }).token;
    expect(token).toEqual(expect.any(String));

    const bearer = { Authorization: `Bearer ${token}` };
    expect((await curl("GET", `${server.url}/v2/`, { headers: bearer })).status).toBe(200);
    const data = Buffer.from(`token push ${randomBytes(8).toString("hex")}`);
    const pushed = await curl("POST", `${server.url}/v2/blobs/auth/blobs/uploads/?digest=${sha256(data)}`, {
      headers: { ...bearer, ...OCTETS },
      body: data,
    });
    expect(pushed.status).toBe(201);
  });

  it("accepts a monolithic upload (POST ?digest=)", async () => {
    const data = Buffer.from(`monolithic ${randomBytes(16).toString("hex")}`);
    const digest = sha256(data);
    const res = await req("POST", `/v2/blobs/mono/blobs/uploads/?digest=${digest}`, {
      headers: OCTETS,
      body: data,
    });
    expect(res.status).toBe(201);
    expect(res.headers["docker-content-digest"]).toBe(digest);
    expect(locationOf(res)).toMatch(new RegExp(`/v2/blobs/mono/blobs/${digest}$`));

    const get = await req("GET", locationOf(res));
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);
  });

  it("accepts POST then a single PUT with the whole blob", async () => {
    const data = randomBytes(2048);
    const digest = sha256(data);
    const started = await req("POST", "/v2/blobs/post-put/blobs/uploads/");
    expect(started.status).toBe(202);
    expect(locationOf(started)).toMatch(/\/v2\/blobs\/post-put\/blobs\/uploads\/[^/]+$/);
    expect(started.headers["docker-upload-uuid"]).toBeTruthy();

    const done = await req("PUT", withDigest(locationOf(started), digest), { headers: OCTETS, body: data });
    expect(done.status).toBe(201);
    expect(done.headers["docker-content-digest"]).toBe(digest);
    expect(locationOf(done)).toMatch(new RegExp(`/v2/blobs/post-put/blobs/${digest}$`));

    const get = await req("GET", `/v2/blobs/post-put/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);
  });

  it("takes chunks in order, reports progress, refuses an out-of-order chunk and completes", async () => {
    const data = randomBytes(3000);
    const digest = sha256(data);
    const [c0, c1, c2] = [data.subarray(0, 1000), data.subarray(1000, 2000), data.subarray(2000)];
    const repo = "blobs/chunked";
    const started = await req("POST", `/v2/${repo}/blobs/uploads/`);
    expect(started.status).toBe(202);
    let location = locationOf(started);

    const first = await req("PATCH", location, {
      headers: { ...OCTETS, "Content-Range": "0-999" },
      body: c0,
    });
    expect(first.status).toBe(202);
    expect(first.headers.range).toBe("0-999");
    location = locationOf(first);

    const status = await req("GET", location);
    expect(status.status).toBe(204);
    expect(status.headers.range).toBe("0-999");
    expect(locationOf(status)).toMatch(new RegExp(`/v2/${repo}/blobs/uploads/[^/]+$`));

    // Skips bytes 1000-1999: must be refused without changing the upload.
    const outOfOrder = await req("PATCH", location, {
      headers: { ...OCTETS, "Content-Range": "2000-2999" },
      body: c2,
    });
    expect(outOfOrder.status).toBe(416);
    const after = await req("GET", location);
    expect(after.status).toBe(204);
    expect(after.headers.range).toBe("0-999");

    const second = await req("PATCH", location, {
      headers: { ...OCTETS, "Content-Range": "1000-1999" },
      body: c1,
    });
    expect(second.status).toBe(202);
    expect(second.headers.range).toBe("0-1999");
    location = locationOf(second);

    expect((await req("HEAD", `/v2/${repo}/blobs/${digest}`)).status).toBe(404);
    // The closing PUT carries the last chunk.
    const done = await req("PUT", withDigest(location, digest), { headers: OCTETS, body: c2 });
    expect(done.status).toBe(201);
    expect(done.headers["docker-content-digest"]).toBe(digest);

    const get = await req("GET", `/v2/${repo}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);
    expectError(await req("GET", location), 404, "BLOB_UPLOAD_UNKNOWN");
  });

  it("refuses a PUT whose digest does not match the bytes, and serves nothing", async () => {
    const repo = "blobs/mismatch";
    const data = randomBytes(512);
    const claimed = sha256(randomBytes(512));
    const started = await req("POST", `/v2/${repo}/blobs/uploads/`);
    const patched = await req("PATCH", locationOf(started), {
      headers: { ...OCTETS, "Content-Range": "0-511" },
      body: data,
    });
    expect(patched.status).toBe(202);
    const done = await req("PUT", withDigest(locationOf(patched), claimed), {
      headers: { "Content-Length": "0" },
    });
    expectError(done, 400, "DIGEST_INVALID");

    const monolithic = await req("POST", `/v2/${repo}/blobs/uploads/?digest=${claimed}`, {
      headers: OCTETS,
      body: data,
    });
    expectError(monolithic, 400, "DIGEST_INVALID");

    for (const digest of [claimed, sha256(data)]) {
      expect((await req("HEAD", `/v2/${repo}/blobs/${digest}`)).status).toBe(404);
      expectError(await req("GET", `/v2/${repo}/blobs/${digest}`), 404, "BLOB_UNKNOWN");
    }
  });

  it("answers HEAD and GET of a blob with Docker-Content-Digest and its length", async () => {
    const repo = "blobs/read";
    const data = randomBytes(777);
    const digest = await pushBlob(req, repo, data);

    const head = await req("HEAD", `/v2/${repo}/blobs/${digest}`);
    expect(head.status).toBe(200);
    expect(head.headers["docker-content-digest"]).toBe(digest);
    expect(head.headers["content-length"]).toBe("777");

    const get = await req("GET", `/v2/${repo}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.headers["docker-content-digest"]).toBe(digest);
    expect(get.body.equals(data)).toBe(true);

    // Blobs are scoped to repositories.
    expect((await req("HEAD", `/v2/blobs/other/blobs/${digest}`)).status).toBe(404);
  });

  it("serves byte ranges with 206 and refuses unsatisfiable ones with 416", async () => {
    const repo = "blobs/range";
    const data = randomBytes(100);
    const digest = await pushBlob(req, repo, data);

    const part = await req("GET", `/v2/${repo}/blobs/${digest}`, { headers: { Range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe("bytes 10-19/100");
    expect(part.body.equals(data.subarray(10, 20))).toBe(true);

    const tail = await req("GET", `/v2/${repo}/blobs/${digest}`, { headers: { Range: "bytes=90-" } });
    expect(tail.status).toBe(206);
    expect(tail.headers["content-range"]).toBe("bytes 90-99/100");
    expect(tail.body.equals(data.subarray(90))).toBe(true);

    const beyond = await req("GET", `/v2/${repo}/blobs/${digest}`, { headers: { Range: "bytes=100-200" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers["content-range"]).toBe("bytes */100");
  });

  it("mounts a blob from another repository, and opens an upload when it cannot", async () => {
    const data = randomBytes(300);
    const digest = await pushBlob(req, "blobs/mount-src", data);
    expect((await req("HEAD", `/v2/blobs/mount-dst/blobs/${digest}`)).status).toBe(404);

    const mounted = await req(
      "POST",
      `/v2/blobs/mount-dst/blobs/uploads/?mount=${digest}&from=blobs/mount-src`,
    );
    expect(mounted.status).toBe(201);
    expect(mounted.headers["docker-content-digest"]).toBe(digest);
    expect(locationOf(mounted)).toMatch(new RegExp(`/v2/blobs/mount-dst/blobs/${digest}$`));
    const get = await req("GET", `/v2/blobs/mount-dst/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);

    const other = randomBytes(300);
    const unknown = sha256(other);
    const fallback = await req(
      "POST",
      `/v2/blobs/mount-dst/blobs/uploads/?mount=${unknown}&from=blobs/mount-src`,
    );
    expect(fallback.status).toBe(202);
    expect(locationOf(fallback)).toMatch(/\/v2\/blobs\/mount-dst\/blobs\/uploads\/[^/]+$/);
    expect((await req("GET", locationOf(fallback))).status).toBe(204);
    const done = await req("PUT", withDigest(locationOf(fallback), unknown), {
      headers: OCTETS,
      body: other,
    });
    expect(done.status).toBe(201);
  });

  it("deletes a blob: 202, then 404 BLOB_UNKNOWN", async () => {
    const repo = "blobs/delete";
    const digest = await pushBlob(req, repo, randomBytes(64));
    const deleted = await req("DELETE", `/v2/${repo}/blobs/${digest}`);
    expect(deleted.status).toBe(202);
    expect((await req("HEAD", `/v2/${repo}/blobs/${digest}`)).status).toBe(404);
    expectError(await req("GET", `/v2/${repo}/blobs/${digest}`), 404, "BLOB_UNKNOWN");
    expectError(await req("DELETE", `/v2/${repo}/blobs/${digest}`), 404, "BLOB_UNKNOWN");
  });

  it("cancels an upload: its status is then 404 BLOB_UPLOAD_UNKNOWN", async () => {
    const repo = "blobs/cancel";
    const started = await req("POST", `/v2/${repo}/blobs/uploads/`);
    const patched = await req("PATCH", locationOf(started), {
      headers: { ...OCTETS, "Content-Range": "0-99" },
      body: randomBytes(100),
    });
    expect(patched.status).toBe(202);
    const location = locationOf(patched);

    const cancelled = await req("DELETE", location);
    expect(cancelled.status).toBe(204);
    expectError(await req("GET", location), 404, "BLOB_UPLOAD_UNKNOWN");
    expectError(
      await req("PATCH", location, {
        headers: { ...OCTETS, "Content-Range": "100-109" },
        body: randomBytes(10),
      }),
      404,
      "BLOB_UPLOAD_UNKNOWN",
    );
    expectError(
      await req("PUT", withDigest(location, sha256("x")), { body: "x" }),
      404,
      "BLOB_UPLOAD_UNKNOWN",
    );
  });

  it("refuses invalid repository names and writes nothing outside the data dir", async () => {
    const data = Buffer.from("should never be stored");
    const digest = sha256(data);
    const paths = [
      "/v2/UPPER/blobs/uploads/",
      "/v2/../etc/blobs/uploads/",
      "/v2/..%2Fetc/blobs/uploads/",
      "/v2/%2E%2E/%2E%2E/etc/blobs/uploads/",
      "/v2/ok/../../etc/blobs/uploads/",
      "/v2/-lead/blobs/uploads/",
    ];
    for (const path of paths) {
      for (const target of [path, `${path}?digest=${digest}`]) {
        const res = await req("POST", target, { headers: OCTETS, body: data });
        expect([400, 404], `POST ${target}: ${res.status} ${res.text}`).toContain(res.status);
        if (res.status === 400) expect(errorCodes(res)).toEqual(["NAME_INVALID"]);
        else expect(errorCodes(res).length).toBeGreaterThan(0);
      }
    }
    expectError(await req("POST", "/v2/UPPER/blobs/uploads/"), 400, "NAME_INVALID");
    expectError(await req("GET", `/v2/../etc/blobs/${digest}`), 400, "NAME_INVALID");
    expectError(await req("GET", `/v2/UPPER/tags/list`), 400, "NAME_INVALID");
    // An upload id is not a path either.
    const badUpload = await req("GET", "/v2/blobs/names/blobs/uploads/..%2F..%2F..%2Fetc");
    expect([400, 404]).toContain(badUpload.status);

    expect(await readdir(sandbox)).toEqual(["data"]);
    const written = await walk(join(sandbox, "data"));
    expect(written.filter((p) => /(^|\/)(etc|UPPER)(\/|$)/.test(p))).toEqual([]);
    const catalog = await req("GET", "/v2/_catalog");
    const repositories = (catalog.json as { repositories: string[] }).repositories;
    expect(repositories.filter((r) => /etc|upper|lead|\.\./i.test(r))).toEqual([]);
  });

  it("refuses invalid digests with 400 DIGEST_INVALID", async () => {
    const repo = "blobs/digests";
    const data = Buffer.from("digest check");
    for (const bad of [
      "sha256:nothex",
      "sha256:ABC",
      `md5:${"0".repeat(32)}`,
      "nocolon",
      `sha256:${"a".repeat(63)}`,
    ]) {
      expectError(await req("GET", `/v2/${repo}/blobs/${bad}`), 400, "DIGEST_INVALID");
      expectError(
        await req("POST", `/v2/${repo}/blobs/uploads/?digest=${encodeURIComponent(bad)}`, {
          headers: OCTETS,
          body: data,
        }),
        400,
        "DIGEST_INVALID",
      );
    }
    const started = await req("POST", `/v2/${repo}/blobs/uploads/`);
    expectError(
      await req("PUT", withDigest(locationOf(started), "sha256:zz"), { headers: OCTETS, body: data }),
      400,
      "DIGEST_INVALID",
    );
    // Without ?digest= an upload cannot be completed.
    expectError(
      await req("PUT", locationOf(started), { headers: OCTETS, body: data }),
      400,
      "DIGEST_INVALID",
    );
  });
});

describe.skipIf(!haveCurl)("the blob size limit (--max-blob-size)", () => {
  let server: SkiffServer;
  let req: RegistryRequest;

  beforeAll(async () => {
    server = await startSkiffServer({ args: ["--max-blob-size", "1KiB"] });
    req = registryRequest(server);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("refuses a larger blob with 413 and stores nothing; smaller blobs still go in", async () => {
    const big = randomBytes(2048);
    const refused = await req("POST", `/v2/limit/app/blobs/uploads/?digest=${sha256(big)}`, {
      headers: OCTETS,
      body: big,
    });
    expect(refused.status).toBe(413);
    expect(errorCodes(refused)).toEqual(["SIZE_INVALID"]);
    expect((await req("HEAD", `/v2/limit/app/blobs/${sha256(big)}`)).status).toBe(404);

    const session = await req("POST", "/v2/limit/app/blobs/uploads/");
    const chunk = await req("PATCH", session.headers.location!, {
      headers: { ...OCTETS, "Content-Range": "0-2047" },
      body: big,
    });
    expect(chunk.status).toBe(413);
    const status = await req("GET", session.headers.location!);
    expect(status.headers.range).toBe("0-0");

    const small = randomBytes(512);
    expect(await pushBlob(req, "limit/app", small)).toBe(sha256(small));
  });
});
