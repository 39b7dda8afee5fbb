// The registry as a process: crash safety under kill -9 (uploads resume, pushed images and
// tags survive intact), graceful SIGTERM, the first-start admin credential, start-up errors
// (port in use, unusable data dir), /metrics and the one-line-per-request log.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { request as httpRequest, type ClientRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, killOnExit, onLines, stopChild } from "./support/child.js";
import { curl, pushBlob, registryRequest, sha256, type RegistryRequest } from "./support/http.js";
import { OciMediaType, writeImageLayout, type ImageLayout } from "./support/oci-layout.js";
import { SKIFF_BIN, startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { skopeoCopy } from "./support/skopeo.js";
import { requireTool, run } from "./support/tools.js";

const haveTools = requireTool("skopeo") && requireTool("curl");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A skiff process started by the test itself, for what startSkiffServer() does not expose. */
interface OwnProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnSkiff(args: string[]): OwnProcess {
  const child = spawn(process.execPath, [SKIFF_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  killOnExit(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  onLines(child.stdout!, (l) => stdout.push(l));
  onLines(child.stderr!, (l) => stderr.push(l));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exit };
}

function jsonLines(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((l) => {
    if (!l.startsWith("{")) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The url of the "registry listening" log line, once it is there. */
async function listening(proc: OwnProcess): Promise<string> {
  return waitFor(
    "the registry listening log line",
    async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`skiff exited early (${proc.child.exitCode}):\n${proc.stderr.join("\n")}`);
      }
      const line = jsonLines(proc.stdout).find((l) => l.msg === "registry listening");
      return typeof line?.url === "string" ? line.url : undefined;
    },
    20_000,
  );
}

/** Builds a small image (one config, one layer) from random bytes and pushes its blobs. */
async function pushRandomImageBlobs(
  req: RegistryRequest,
  repo: string,
): Promise<{ manifest: Buffer; digest: string; blobs: string[] }> {
  const layer = randomBytes(4096 + Math.floor(Math.random() * 4096));
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [sha256(layer)] },
      config: { Labels: { nonce: randomBytes(8).toString("hex") } },
    }),
  );
  const configDigest = await pushBlob(req, repo, config);
  const layerDigest = await pushBlob(req, repo, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OciMediaType.manifest,
      config: { mediaType: OciMediaType.config, digest: configDigest, size: config.length },
      layers: [{ mediaType: OciMediaType.layerGzip, digest: layerDigest, size: layer.length }],
    }),
  );
  return { manifest, digest: sha256(manifest), blobs: [configDigest, layerDigest] };
}

describe.skipIf(!haveTools)("the registry process", () => {
  let server: SkiffServer;
  let work: string;
  let req: RegistryRequest;
  const pushed: { ref: string; image: ImageLayout }[] = [];

  const basic = () => `Basic ${Buffer.from(`skiff:${server.password}`).toString("base64")}`;

  beforeAll(async () => {
    server = await startSkiffServer();
    req = registryRequest(server);
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-process-"));
    // Images that must survive every crash below.
    const layout = join(work, "layout");
    for (const [i, layers] of [[3000], [2000, 100_000]].entries()) {
      const image = await writeImageLayout(layout, { tag: `p${i}`, layers });
      const ref = `before/app${i}:v1`;
      await skopeoCopy(`oci:${layout}:p${i}`, `docker://${server.hostPort}/${ref}`, {
        destCreds: `skiff:${server.password}`,
      });
      pushed.push({ ref, image });
    }
  });

  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Every image pushed in beforeAll is complete and unchanged (skopeo verifies every digest). */
  async function expectPushedImagesIntact(round: string): Promise<void> {
    req = registryRequest(server);
    for (const { ref, image } of pushed) {
      const head = await req("HEAD", `/v2/${ref.replace(":", "/manifests/")}`, {
        headers: { Accept: OciMediaType.manifest },
      });
      expect(head.status, `${ref} after ${round}`).toBe(200);
      expect(head.headers["docker-content-digest"]).toBe(image.manifestDigest);
      const out = join(work, `out-${round}-${ref.replace(/[/:]/g, "-")}`);
      await skopeoCopy(`docker://${server.hostPort}/${ref}`, `oci:${out}:v1`, {
        srcCreds: `skiff:${server.password}`,
      });
      const index = JSON.parse(await readFile(join(out, "index.json"), "utf8")) as {
        manifests: { digest: string }[];
      };
      expect(index.manifests[0]?.digest).toBe(image.manifestDigest);
    }
  }

  it("resumes a chunked upload cut by kill -9, and keeps every image pushed before", async () => {
    const blob = randomBytes(3 << 20);
    const digest = sha256(blob);
    const chunk1 = 1 << 20;
    const partial = 512 << 10;

    const start = await req("POST", "/v2/crash/upload/blobs/uploads/");
    expect(start.status).toBe(202);
    const location = start.headers.location!;
    const first = await req("PATCH", location, {
      headers: { "Content-Type": "application/octet-stream", "Content-Range": `0-${chunk1 - 1}` },
      body: blob.subarray(0, chunk1),
    });
    expect(first.status).toBe(202);
    expect(first.headers.range).toBe(`0-${chunk1 - 1}`);

    // The second chunk arrives slowly: half a MiB of it, then the connection stays open.
    const slow: ClientRequest = httpRequest(new URL(location, server.url), {
      method: "PATCH",
      agent: false,
      headers: {
        Authorization: basic(),
        "Content-Type": "application/octet-stream",
        "Content-Range": `${chunk1}-${blob.length - 1}`,
        "Content-Length": blob.length - chunk1,
      },
    });
    const slowDone = new Promise<string>((resolve) => {
      slow.on("response", (res) => resolve(`answered ${res.statusCode}`));
      slow.on("error", (err) => resolve(err.message));
    });
    slow.write(blob.subarray(chunk1, chunk1 + partial));
    await waitFor("the partial chunk to reach the data dir", async () => {
      const status = await req("GET", location);
      const end = Number(/^0-(\d+)$/.exec(status.headers.range ?? "")?.[1] ?? -1);
      return end + 1 >= chunk1 + partial ? true : undefined;
    });

    await server.kill9();
    expect(await slowDone).not.toMatch(/^answered/);
    await server.restart();
    req = registryRequest(server);

    const status = await req("GET", location);
    expect(status.status).toBe(204);
    const range = /^0-(\d+)$/.exec(status.headers.range ?? "");
    expect(range, `Range header ${status.headers.range}`).not.toBeNull();
    const offset = Number(range![1]) + 1;
    expect(offset).toBe(chunk1 + partial);

    // A chunk that does not start at the offset is refused and changes nothing.
    const stale = await req("PATCH", location, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Range": `${chunk1}-${blob.length - 1}`,
      },
      body: blob.subarray(chunk1),
    });
    expect(stale.status).toBe(416);

    const rest = await req("PATCH", location, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Range": `${offset}-${blob.length - 1}`,
      },
      body: blob.subarray(offset),
    });
    expect(rest.status).toBe(202);
    expect(rest.headers.range).toBe(`0-${blob.length - 1}`);
    const done = await req("PUT", `${location}${location.includes("?") ? "&" : "?"}digest=${digest}`);
    expect(done.status).toBe(201);
    expect(done.headers["docker-content-digest"]).toBe(digest);

    const got = await req("GET", `/v2/crash/upload/blobs/${digest}`);
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(blob.length);
    expect(sha256(got.body)).toBe(digest);

    await expectPushedImagesIntact("upload-crash");
  });

  it("shows a tag's old or new target after kill -9 right after its manifest PUT, never a broken one", async () => {
    const repo = "crash/flip";
    const base = await pushRandomImageBlobs(req, repo);
    const put0 = await req("PUT", `/v2/${repo}/manifests/flip`, {
      headers: { "Content-Type": OciMediaType.manifest },
      body: base.manifest,
    });
    expect(put0.status).toBe(201);
    let current = base.digest;
    const outcomes: string[] = [];

    // Kill at once after the request is written, after short delays, and after the 201.
    for (const delayMs of [0, 1, 3, 10, 30, "ack"] as const) {
      const next = await pushRandomImageBlobs(req, repo);
      let acknowledged = false;
      let onAck = () => {};
      const ack = new Promise<void>((resolve) => (onAck = resolve));
      const sent = new Promise<void>((resolve) => {
        const put = httpRequest(new URL(`/v2/${repo}/manifests/flip`, server.url), {
          method: "PUT",
          agent: false,
          headers: {
            Authorization: basic(),
            "Content-Type": OciMediaType.manifest,
            "Content-Length": next.manifest.length,
          },
        });
        put.on("response", (res) => {
          if (res.statusCode === 201) acknowledged = true;
          onAck();
          res.resume();
        });
        put.on("error", () => {});
        put.end(next.manifest, () => resolve());
      });
      await sent;
      if (delayMs === "ack") await ack;
      else if (delayMs > 0) await sleep(delayMs);
      await server.kill9();
      const ackBeforeKill = acknowledged;
      await server.restart();
      req = registryRequest(server);

      const res = await req("GET", `/v2/${repo}/manifests/flip`, {
        headers: { Accept: OciMediaType.manifest },
      });
      expect(res.status).toBe(200);
      const digest = res.headers["docker-content-digest"];
      expect([current, next.digest]).toContain(digest);
      if (ackBeforeKill) expect(digest).toBe(next.digest);
      expect(sha256(res.body)).toBe(digest);
      const manifest = JSON.parse(res.text) as { config: { digest: string }; layers: { digest: string }[] };
      for (const blob of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
        const b = await req("GET", `/v2/${repo}/blobs/${blob}`);
        expect(b.status, `blob ${blob} of ${digest}`).toBe(200);
        expect(sha256(b.body)).toBe(blob);
      }
      outcomes.push(
        `${delayMs === "ack" ? "after the 201" : `${delayMs}ms`}: ${digest === next.digest ? "new" : "old"}${ackBeforeKill ? " (acknowledged)" : ""}`,
      );
      current = digest!;
    }
    console.log(`tag target after kill -9 following the manifest PUT: ${outcomes.join(", ")}`);
    expect(outcomes.at(-1)).toBe("after the 201: new (acknowledged)");
    await expectPushedImagesIntact("manifest-crash");
  });

  it("serves /metrics in the Prometheus text format with request counts", async () => {
    const total = async () => {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain("# TYPE skiff_registry_requests_total counter");
      return text
        .split("\n")
        .filter((l) => l.startsWith("skiff_registry_requests_total{"))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    };
    const before = await total();
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/v2/metrics/probe/manifests/v${i}`);
    const after = await total();
    // The three probes, plus the first /metrics request itself once it has been counted.
    expect(after - before).toBeGreaterThanOrEqual(3);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^skiff_registry_requests_total\{[^}]*code="401"[^}]*\} \d+$/m);
    expect(text).toContain("# TYPE skiff_registry_request_duration_seconds histogram");
  });

  it("logs exactly one JSON line with msg 'request' per request", async () => {
    const marker = `m${randomBytes(6).toString("hex")}`;
    const requests: [string, string, string | undefined][] = [
      ["GET", `/v2/logs/${marker}/manifests/latest`, undefined], // 401
      ["GET", `/v2/logs/${marker}/manifests/latest`, "admin"], // 404
      ["HEAD", `/v2/logs/${marker}/blobs/sha256:${"0".repeat(64)}`, "admin"], // 404
      ["POST", `/v2/logs/${marker}/blobs/uploads/`, "admin"], // 202
      ["GET", `/token?service=skiff-registry&scope=repository:logs/${marker}:pull`, undefined], // 200
      ["GET", `/no/such/path/${marker}`, undefined], // 404
    ];
    for (const [method, path, who] of requests) {
      await curl(method, `${server.url}${path}`, who === "admin" ? { user: `skiff:${server.password}` } : {});
    }
    const mine = () => server.logs.filter((l) => l.includes(marker));
    await waitFor(
      "the request log lines",
      async () => (mine().length >= requests.length ? true : undefined),
      5_000,
    );
    await sleep(200);
    const lines = mine();
    const parsed = jsonLines(lines);
    expect(parsed, lines.join("\n")).toHaveLength(lines.length); // every line is JSON
    expect(parsed.map((l) => l.msg)).toEqual(requests.map(() => "request"));
    expect(parsed.map((l) => [l.method, l.url])).toEqual(requests.map(([m, p]) => [m, p]));
    expect(parsed.map((l) => l.status)).toEqual([401, 404, 404, 202, 200, 404]);
    for (const line of parsed) {
      expect(typeof line.time).toBe("string");
      expect(typeof line.ms).toBe("number");
    }
    expect(parsed[1]?.user).toBe("skiff");
  });

  it("exits 1 saying the address is in use when its port is taken", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-e2e-port-"));
    try {
      for (const args of [
        ["registry", "serve", "--listen", server.hostPort, "--data-dir", join(dir, "a")],
        [
          "server",
          "--no-engine",
          "--no-api",
          "--registry-listen",
          server.hostPort,
          "--data-dir",
          join(dir, "b"),
        ],
      ]) {
        const result = await run(process.execPath, [SKIFF_BIN, ...args], { timeoutMs: 30_000 });
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/address already in use/i);
        expect(result.stderr).toContain(server.hostPort);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The running server is unaffected.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("exits 1 with a clear message when the data dir is not a usable directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-e2e-datadir-"));
    try {
      const file = join(dir, "a-file");
      await writeFile(file, "not a directory");
      for (const dataDir of [file, join(file, "below")]) {
        const result = await run(
          process.execPath,
          [SKIFF_BIN, "registry", "serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir],
          { timeoutMs: 30_000 },
        );
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/data directory .* is not usable/);
        expect(result.stderr).toContain(dataDir);
        expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      }
      // Root may write anywhere, so an unwritable directory can only be tested as another user.
      if (process.getuid?.() !== 0) {
        const locked = join(dir, "locked");
        await mkdir(locked, { mode: 0o500 });
        const result = await run(
          process.execPath,
          [SKIFF_BIN, "registry", "serve", "--listen", "127.0.0.1:0", "--data-dir", locked],
          { timeoutMs: 30_000 },
        );
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/data directory .* is not usable/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["skiff registry serve", ["registry", "serve", "--listen", "127.0.0.1:0"]],
    ["skiff server", ["server", "--no-engine", "--no-api", "--registry-listen", "127.0.0.1:0"]],
  ])(
    "%s prints the admin credential once, stores it with mode 0600, and stops cleanly on SIGTERM",
    async (_name, command) => {
      const dataDir = await mkdtemp(join(tmpdir(), "skiff-e2e-first-"));
      const procs: OwnProcess[] = [];
      try {
        const first = spawnSkiff([...command, "--data-dir", dataDir]);
        procs.push(first);
        const url = await listening(first);
        const printed = first.stderr.join("\n");
        expect(printed).toContain('created the admin user "skiff"');
        const secret = /^\s*secret:\s*(\S+)$/m.exec(printed)?.[1];
        const keyId = /^\s*access key id:\s*(\S+)$/m.exec(printed)?.[1];
        expect(secret).toBeDefined();
        expect(keyId).toBeDefined();

        const credentials = join(dataDir, "auth", "admin-credentials");
        expect((await stat(credentials)).mode & 0o777).toBe(0o600);
        const saved = await readFile(credentials, "utf8");
        expect(saved).toContain(`secret=${secret}`);
        expect(saved).toContain(`access_key_id=${keyId}`);
        // The printed secret is a working password of the admin.
        expect((await curl("GET", `${url}/v2/`, { user: `skiff:${secret}` })).status).toBe(200);

        first.child.kill("SIGTERM");
        expect(await first.exit).toEqual({ code: 0, signal: null });
        const messages = jsonLines(first.stdout).map((l) => l.msg);
        expect(messages).toContain("shutting down");
        expect(messages.at(-1)).toBe("stopped");

        const second = spawnSkiff([...command, "--data-dir", dataDir]);
        procs.push(second);
        const url2 = await listening(second);
        expect((await curl("GET", `${url2}/v2/`, { user: `skiff:${secret}` })).status).toBe(200);
        const output = [...second.stdout, ...second.stderr].join("\n");
        expect(output).not.toContain("created the admin user");
        expect(output).not.toContain(secret!);
        expect(await readFile(credentials, "utf8")).toBe(saved);

        second.child.kill("SIGTERM");
        expect(await second.exit).toEqual({ code: 0, signal: null });
        expect(jsonLines(second.stdout).map((l) => l.msg)).toContain("stopped");
      } finally {
        for (const p of procs) {
          await stopChild(p.child, "SIGKILL");
          await exited(p.child);
        }
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
