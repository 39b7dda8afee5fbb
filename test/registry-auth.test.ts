// Registry authentication and access control end to end: Docker token auth by hand with
// curl, the admin's login token, users with access keys, repository policies (allow, deny,
// anonymous pull), and revoked keys, driven with skopeo, podman, curl and the skiff CLI.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curl, errorCodes } from "./support/http.js";
import { OciMediaType, writeImageLayout, type ImageLayout } from "./support/oci-layout.js";
import {
  SKIFF_BIN,
  loginPassword,
  runSkiff,
  startSkiffServer,
  type SkiffServer,
} from "./support/skiff-server.js";
import { skopeoCopy } from "./support/skopeo.js";
import { requireTool, run, runOk, type RunResult } from "./support/tools.js";

const haveTools = requireTool("skopeo") && requireTool("curl");
const havePodman = requireTool("podman");

describe.skipIf(!haveTools)("registry authentication and access policies", () => {
  let server: SkiffServer;
  let work: string;
  let layout: string;
  let imageCount = 0;

  /** `skiff registry ARGS --registry URL --data-dir DIR`; rejects on a non-zero exit. */
  const skiff = (...args: string[]) =>
    runSkiff(["registry", ...args, "--registry", server.url, "--data-dir", server.dataDir]);

  /** A new image (fresh content) in the shared OCI layout, under a new tag. */
  async function newImage(): Promise<{ ref: string; image: ImageLayout }> {
    const tag = `img${++imageCount}`;
    const image = await writeImageLayout(layout, { tag, layers: [2048, 512] });
    return { ref: `oci:${layout}:${tag}`, image };
  }

  const remote = (repoAndTag: string) => `docker://${server.hostPort}/${repoAndTag}`;

  /** `skopeo copy` that may fail: the result, never a rejection. */
  function tryPush(src: string, dest: string, creds: string | "none"): Promise<RunResult> {
    const args = [
      "--insecure-policy",
      "copy",
      "--dest-tls-verify=false",
      "--preserve-digests",
      "--retry-times=0",
    ];
    args.push(...(creds === "none" ? ["--dest-no-creds"] : ["--dest-creds", creds]), src, dest);
    return run("skopeo", args, { timeoutMs: 120_000 });
  }

  /** `skopeo inspect --raw` of a remote image; the result, never a rejection. */
  function tryInspect(repoAndTag: string, creds: string | "none"): Promise<RunResult> {
    const args = ["inspect", "--raw", "--tls-verify=false", "--retry-times=0"];
    args.push(...(creds === "none" ? ["--no-creds"] : ["--creds", creds]), remote(repoAndTag));
    return run("skopeo", args, { timeoutMs: 60_000 });
  }

  /** The digest a tag points at, asked as the admin; undefined when unknown. */
  async function tagDigest(repo: string, tag: string): Promise<string | undefined> {
    const res = await curl("HEAD", `${server.url}/v2/${repo}/manifests/${tag}`, {
      user: `skiff:${server.password}`,
      headers: { Accept: OciMediaType.manifest },
    });
    return res.status === 200 ? res.headers["docker-content-digest"] : undefined;
  }

  /** Creates a user with one access key; returns the key's id and secret as printed by the CLI. */
  async function createUserWithKey(name: string): Promise<{ id: string; secret: string }> {
    await skiff("user", "create", name);
    const { stdout } = await skiff("key", "create", name, "--description", `e2e key of ${name}`);
    const id = /^access key id:\s*(\S+)$/m.exec(stdout)?.[1];
    const secret = /^secret:\s*(\S+)$/m.exec(stdout)?.[1];
    if (id === undefined || secret === undefined) throw new Error(`unexpected key create output:\n${stdout}`);
    return { id, secret };
  }

  beforeAll(async () => {
    server = await startSkiffServer();
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-auth-"));
    layout = join(work, "layout");
  });

  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("answers a request without credentials with 401 and a Bearer challenge for the needed scope", async () => {
    const res = await curl("GET", `${server.url}/v2/team/app/manifests/latest`);
    expect(res.status).toBe(401);
    expect(errorCodes(res)).toEqual(["UNAUTHORIZED"]);
    expect(res.headers["www-authenticate"]).toBe(
      `Bearer realm="http://${server.hostPort}/token",service="skiff-registry",scope="repository:team/app:pull"`,
    );
    // The base endpoint also wants credentials, and names no scope.
    const base = await curl("GET", `${server.url}/v2/`);
    expect(base.status).toBe(401);
    expect(base.headers["www-authenticate"]).toBe(
      `Bearer realm="http://${server.hostPort}/token",service="skiff-registry"`,
    );
  });

  it("issues a token at the token endpoint that works as a Bearer credential", async () => {
    const { ref, image } = await newImage();
    await skopeoCopy(ref, remote("tok/app:v1"), { destCreds: `skiff:${server.password}` });

    const tokenUrl = `${server.url}/token?service=skiff-registry&scope=repository:tok/app:pull,push`;
    const tokenRes = await curl("GET", tokenUrl, { user: `skiff:${server.password}` });
    expect(tokenRes.status).toBe(200);
    const body = tokenRes.json as { token: string; access_token: string; expires_in: number; scope?: string };
    expect(body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(0);
    expect(body.scope).toBe("repository:tok/app:pull,push");

    const bearer = { Authorization: `Bearer ${body.token}`, Accept: OciMediaType.manifest };
    const manifest = await curl("GET", `${server.url}/v2/tok/app/manifests/v1`, { headers: bearer });
    expect(manifest.status).toBe(200);
    expect(manifest.headers["docker-content-digest"]).toBe(image.manifestDigest);
    // The token also allows push: a new upload session can be opened with it.
    const upload = await curl("POST", `${server.url}/v2/tok/app/blobs/uploads/`, { headers: bearer });
    expect(upload.status).toBe(202);
    await curl("DELETE", `${server.url}${upload.headers.location}`, { headers: bearer });

    // A tampered token is refused with a fresh challenge.
    const forged = await curl("GET", `${server.url}/v2/tok/app/manifests/v1`, {
      headers: { Authorization: `Bearer ${body.token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
  });

  it("refuses a wrong password with 401, at the token endpoint and with Basic auth", async () => {
    const tokenRes = await curl(
      "GET",
      `${server.url}/token?service=skiff-registry&scope=repository:tok/app:pull`,
      { user: "skiff:not-the-password" },
    );
    expect(tokenRes.status).toBe(401);
    expect(errorCodes(tokenRes)).toEqual(["UNAUTHORIZED"]);

    const basic = await curl("GET", `${server.url}/v2/tok/app/manifests/v1`, {
      user: "skiff:not-the-password",
    });
    expect(basic.status).toBe(401);
    expect(errorCodes(basic)).toEqual(["UNAUTHORIZED"]);

    const skopeo = await tryInspect("tok/app:v1", "skiff:not-the-password");
    expect(skopeo.code).not.toBe(0);
    expect(skopeo.stderr).toMatch(/unauthorized|authentication required|invalid username or password/i);
  });

  it("accepts the token of `skiff registry login-password` as the admin's password (skopeo --dest-creds)", async () => {
    const token = await loginPassword(server.dataDir);
    const { ref, image } = await newImage();
    await skopeoCopy(ref, remote("admin/app:v1"), { destCreds: `skiff:${token}` });
    expect(await tagDigest("admin/app", "v1")).toBe(image.manifestDigest);
    const inspect = await tryInspect("admin/app:v1", `skiff:${token}`);
    expect(inspect.code, inspect.stderr).toBe(0);
  });

  describe("a user with an access key", () => {
    let alice: { id: string; secret: string };
    let aliceCreds: string;
    let authDir: string;

    beforeAll(async () => {
      alice = await createUserWithKey("alice");
      aliceCreds = `alice:${alice.secret}`;
      authDir = await mkdtemp(join(tmpdir(), "skiff-e2e-authfile-"));
      // Something to pull, pushed by the admin.
      const { ref } = await newImage();
      await skopeoCopy(ref, remote("team/base:v1"), { destCreds: `skiff:${server.password}` });
    });

    afterAll(async () => {
      if (authDir) await rm(authDir, { recursive: true, force: true });
    });

    /** `skopeo|podman login` as alice into a private auth file. */
    const loginAs = (tool: "skopeo" | "podman", authfile: string, password: string) =>
      run(
        tool,
        [
          "login",
          "--tls-verify=false",
          "--authfile",
          authfile,
          "-u",
          "alice",
          "-p",
          password,
          server.hostPort,
        ],
        { timeoutMs: 60_000 },
      );

    it("can log in with skopeo and with the key id as the username", async () => {
      const authfile = join(authDir, "skopeo.json");
      const login = await loginAs("skopeo", authfile, alice.secret);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toMatch(/Login Succeeded/i);

      const byKeyId = await curl("GET", `${server.url}/v2/`, { user: `${alice.id}:${alice.secret}` });
      expect(byKeyId.status).toBe(200);

      const wrong = await loginAs("skopeo", authfile, "wrong");
      expect(wrong.code).not.toBe(0);
    });

    it.skipIf(!havePodman)("can log in with podman", async () => {
      // podman runs here as root; --authfile keeps the login out of the machine's auth.json.
      const authfile = join(authDir, "podman.json");
      const login = await loginAs("podman", authfile, alice.secret);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toMatch(/Login Succeeded/i);
      const wrong = await loginAs("podman", authfile, "wrong");
      expect(wrong.code).not.toBe(0);
    });

    it("can neither push nor pull before a policy allows it", async () => {
      const { ref } = await newImage();
      const push = await tryPush(ref, remote("team/app:v1"), aliceCreds);
      expect(push.code).not.toBe(0);
      expect(push.stderr).toMatch(/denied|forbidden/i);
      expect(await tagDigest("team/app", "v1")).toBeUndefined();

      const pull = await tryInspect("team/base:v1", aliceCreds);
      expect(pull.code).not.toBe(0);

      const upload = await curl("POST", `${server.url}/v2/team/app/blobs/uploads/`, { user: aliceCreds });
      expect(upload.status).toBe(403);
      expect(errorCodes(upload)).toEqual(["DENIED"]);
    });

    it("pushes where `policy add --allow pull,push` allows it, and nowhere else", async () => {
      await skiff("policy", "add", "--repo", "team/**", "--user", "alice", "--allow", "pull,push");

      const { ref, image } = await newImage();
      const push = await tryPush(ref, remote("team/app:v1"), aliceCreds);
      expect(push.code, push.stderr).toBe(0);
      expect(await tagDigest("team/app", "v1")).toBe(image.manifestDigest);
      // ** spans segments.
      const deep = await tryPush(ref, remote("team/sub/app:v1"), aliceCreds);
      expect(deep.code, deep.stderr).toBe(0);
      // and pull now works too
      const pull = await tryInspect("team/base:v1", aliceCreds);
      expect(pull.code, pull.stderr).toBe(0);

      const other = await newImage();
      const denied = await tryPush(other.ref, remote("other/app:v1"), aliceCreds);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/denied|forbidden/i);
      expect(await tagDigest("other/app", "v1")).toBeUndefined();

      const upload = await curl("POST", `${server.url}/v2/other/app/blobs/uploads/`, { user: aliceCreds });
      expect(upload.status).toBe(403);
      expect(errorCodes(upload)).toEqual(["DENIED"]);
      // Delete was not granted either, not even in team/.
      const del = await curl("DELETE", `${server.url}/v2/team/app/manifests/${image.manifestDigest}`, {
        user: aliceCreds,
      });
      expect(del.status).toBe(403);
      expect(errorCodes(del)).toEqual(["DENIED"]);
    });

    it("lets a deny statement win over an allow", async () => {
      await skiff("policy", "add", "--repo", "team/frozen/*", "--user", "alice", "--deny", "push");
      const { ref } = await newImage();
      const denied = await tryPush(ref, remote("team/frozen/app:v1"), aliceCreds);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/denied|forbidden/i);
      expect(await tagDigest("team/frozen/app", "v1")).toBeUndefined();
      const upload = await curl("POST", `${server.url}/v2/team/frozen/app/blobs/uploads/`, {
        user: aliceCreds,
      });
      expect(upload.status).toBe(403);
      expect(errorCodes(upload)).toEqual(["DENIED"]);

      // Pull there is still allowed by team/**, and the rest of team/ still takes pushes.
      const { ref: base } = await newImage();
      await skopeoCopy(base, remote("team/frozen/app:v1"), { destCreds: `skiff:${server.password}` });
      expect((await tryInspect("team/frozen/app:v1", aliceCreds)).code).toBe(0);
      const allowed = await tryPush(ref, remote("team/app:v2"), aliceCreds);
      expect(allowed.code, allowed.stderr).toBe(0);

      // A token for both actions only carries what the policies grant.
      const tokenRes = await curl(
        "GET",
        `${server.url}/token?service=skiff-registry&scope=repository:team/frozen/app:pull,push`,
        { user: aliceCreds },
      );
      expect(tokenRes.status).toBe(200);
      expect((tokenRes.json as { scope?: string }).scope).toBe("repository:team/frozen/app:pull");
    });

    it("accepts `login-password --user alice` as alice's password", async () => {
      const token = await loginPassword(server.dataDir, "alice");
      expect(token).not.toBe(alice.secret);
      const { ref, image } = await newImage();
      const push = await tryPush(ref, remote("team/app:v3"), `alice:${token}`);
      expect(push.code, push.stderr).toBe(0);
      expect(await tagDigest("team/app", "v3")).toBe(image.manifestDigest);
      // The token is alice's: it does not work for another user name.
      const res = await curl("GET", `${server.url}/v2/`, { user: `skiff:${token}` });
      expect(res.status).toBe(401);
    });

    it("stops accepting a key once it is revoked with `key rm`", async () => {
      expect((await tryInspect("team/app:v1", aliceCreds)).code).toBe(0);
      const { stdout } = await skiff("key", "ls");
      expect(stdout).toContain(alice.id);
      expect(stdout).not.toContain(alice.secret);

      await skiff("key", "rm", alice.id);
      expect((await skiff("key", "ls")).stdout).not.toContain(alice.id);

      // The server may reuse a successful Basic authentication for a few seconds; the key must
      // stop working within 10 s, and then everywhere.
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await curl("GET", `${server.url}/v2/`, { user: aliceCreds })).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(401);
      const inspect = await tryInspect("team/app:v1", aliceCreds);
      expect(inspect.code).not.toBe(0);
      expect(inspect.stderr).toMatch(/unauthorized|authentication required|invalid username or password/i);
      const res = await curl("GET", `${server.url}/v2/`, { user: aliceCreds });
      expect(res.status).toBe(401);
      const tokenRes = await curl(
        "GET",
        `${server.url}/token?service=skiff-registry&scope=repository:team/app:pull`,
        {
          user: aliceCreds,
        },
      );
      expect(tokenRes.status).toBe(401);
      const login = await run(
        "skopeo",
        [
          "login",
          "--tls-verify=false",
          "--authfile",
          join(authDir, "revoked.json"),
          "-u",
          "alice",
          "-p",
          alice.secret,
          server.hostPort,
        ],
        { timeoutMs: 60_000 },
      );
      expect(login.code).not.toBe(0);
    });
  });

  describe("a public repository", () => {
    let image: ImageLayout;

    beforeAll(async () => {
      const pushed = await newImage();
      image = pushed.image;
      await skopeoCopy(pushed.ref, remote("public/app:v1"), { destCreds: `skiff:${server.password}` });
    });

    it("cannot be pulled anonymously before the policy exists", async () => {
      const res = await curl("GET", `${server.url}/v2/public/app/manifests/v1`, {
        headers: { Accept: OciMediaType.manifest },
      });
      expect(res.status).toBe(401);
      expect((await tryInspect("public/app:v1", "none")).code).not.toBe(0);
    });

    it("can be pulled without credentials after `policy add --anonymous --allow pull`", async () => {
      await skiff("policy", "add", "--repo", "public/*", "--anonymous", "--allow", "pull");
      const { stdout } = await skiff("policy", "ls");
      expect(stdout).toMatch(/allow\s+anonymous\s+pull\s+public\/\*/);

      const res = await curl("GET", `${server.url}/v2/public/app/manifests/v1`, {
        headers: { Accept: OciMediaType.manifest },
      });
      expect(res.status).toBe(200);
      expect(res.headers["docker-content-digest"]).toBe(image.manifestDigest);
      const layer = await curl("GET", `${server.url}/v2/public/app/blobs/${image.layerDigests[0]}`);
      expect(layer.status).toBe(200);
      expect(layer.body.length).toBe(image.layers[0]!.size);

      const inspect = await tryInspect("public/app:v1", "none");
      expect(inspect.code, inspect.stderr).toBe(0);
      expect(JSON.parse(inspect.stdout)).toMatchObject({ config: { digest: image.configDigest } });

      // A full copy out (manifest, config and layers) with no credentials at all.
      const out = join(work, "public-out");
      await runOk(
        "skopeo",
        [
          "--insecure-policy",
          "copy",
          "--src-tls-verify=false",
          "--src-no-creds",
          "--preserve-digests",
          remote("public/app:v1"),
          `oci:${out}:v1`,
        ],
        { timeoutMs: 120_000 },
      );
    });

    it("still refuses anonymous pushes with 401", async () => {
      const upload = await curl("POST", `${server.url}/v2/public/app/blobs/uploads/`);
      expect(upload.status).toBe(401);
      expect(errorCodes(upload)).toEqual(["UNAUTHORIZED"]);
      expect(upload.headers["www-authenticate"]).toBe(
        `Bearer realm="http://${server.hostPort}/token",service="skiff-registry",scope="repository:public/app:pull,push"`,
      );
      const put = await curl("PUT", `${server.url}/v2/public/app/manifests/v2`, {
        headers: { "Content-Type": OciMediaType.manifest },
        body: "{}",
      });
      expect(put.status).toBe(401);

      const { ref } = await newImage();
      const push = await tryPush(ref, remote("public/app:v2"), "none");
      expect(push.code).not.toBe(0);
      expect(await tagDigest("public/app", "v2")).toBeUndefined();

      // Only the pattern's repositories are public: public/* is one segment deep.
      const deeper = await curl("GET", `${server.url}/v2/public/a/b/manifests/v1`);
      expect(deeper.status).toBe(401);
    });
  });

  it("refuses the admin API to non-admins and to anonymous callers", async () => {
    const anonymous = await run(
      process.execPath,
      [SKIFF_BIN, "registry", "repo", "ls", "--registry", server.url],
      {
        env: { ...process.env, SKIFF_REGISTRY_USER: "skiff", SKIFF_REGISTRY_PASSWORD: "wrong" },
        timeoutMs: 60_000,
      },
    );
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/HTTP 401/);
    const bob = await createUserWithKey("bob");
    const asBob = await run(
      process.execPath,
      [SKIFF_BIN, "registry", "repo", "ls", "--registry", server.url],
      {
        env: { ...process.env, SKIFF_REGISTRY_USER: "bob", SKIFF_REGISTRY_PASSWORD: bob.secret },
        timeoutMs: 60_000,
      },
    );
    expect(asBob.code).toBe(1);
    expect(asBob.stderr).toMatch(/not an administrator.*HTTP 403/);
  });
});
