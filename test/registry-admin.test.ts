// The registry's administration end to end, through the `skiff registry` CLI against a real
// server: repositories, image listings, tag immutability, lifecycle policies and garbage
// collection (also while skopeo keeps pushing).
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes } from "../src/cli/units.js";
import { curl, errorCodes } from "./support/http.js";
import { OciMediaType, blobPath, writeImageLayout, type ImageLayout } from "./support/oci-layout.js";
import { SKIFF_BIN, runSkiff, startSkiffServer, type SkiffServer } from "./support/skiff-server.js";
import { skopeoCopy } from "./support/skopeo.js";
import { requireTool, run, type RunResult } from "./support/tools.js";

const haveTools = requireTool("skopeo") && requireTool("curl");

interface ImageJson {
  digest: string;
  tags: string[];
  mediaType: string;
  totalSize: number;
  pushedAt: string;
  isChild: boolean;
}
interface DecisionJson {
  digest: string;
  tags: string[];
  rulePriority: number;
  repository?: string;
}
interface GcJson {
  dryRun: boolean;
  deletedBlobs: string[];
  freedBytes: number;
  purgedUploads: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveTools)("registry administration with the skiff CLI", () => {
  let server: SkiffServer;
  let work: string;
  let layout: string;
  let tagCount = 0;

  const connection = () => ["--registry", server.url, "--data-dir", server.dataDir];
  /** `skiff registry ARGS` against the test server; rejects on a non-zero exit. */
  const skiff = (...args: string[]) => runSkiff(["registry", ...args, ...connection()]);
  /** Same, parsing --json output. */
  const skiffJson = async <T>(...args: string[]): Promise<T> =>
    JSON.parse((await skiff(...args, "--json")).stdout) as T;
  /** Same, for commands expected to fail: the result, never a rejection. */
  const skiffFails = (...args: string[]): Promise<RunResult> =>
    run(process.execPath, [SKIFF_BIN, "registry", ...args, ...connection()], { timeoutMs: 60_000 });

  const creds = () => `skiff:${server.password}`;
  const remote = (ref: string) => `docker://${server.hostPort}/${ref}`;

  /** A new image in the shared layout; returns the skopeo source reference and the image. */
  async function newImage(
    opts: { layers?: number[]; seed?: string } = {},
  ): Promise<{ src: string; image: ImageLayout }> {
    const tag = `t${++tagCount}`;
    const image = await writeImageLayout(layout, {
      tag,
      layers: opts.layers ?? [1500],
      ...(opts.seed !== undefined && { seed: opts.seed }),
    });
    return { src: `oci:${layout}:${tag}`, image };
  }

  async function push(ref: string, opts: { layers?: number[]; seed?: string } = {}): Promise<ImageLayout> {
    const { src, image } = await newImage(opts);
    await skopeoCopy(src, remote(ref), { destCreds: creds() });
    return image;
  }

  /** Pushes an image by digest only (untagged). */
  async function pushUntagged(repo: string): Promise<ImageLayout> {
    const { src, image } = await newImage();
    await skopeoCopy(src, remote(`${repo}@${image.manifestDigest}`), { destCreds: creds() });
    return image;
  }

  async function tagDigest(repo: string, tag: string): Promise<string | undefined> {
    const res = await curl("HEAD", `${server.url}/v2/${repo}/manifests/${tag}`, {
      user: creds(),
      headers: { Accept: OciMediaType.manifest },
    });
    return res.status === 200 ? res.headers["docker-content-digest"] : undefined;
  }

  const blobFile = (digest: string) => {
    const hex = digest.slice("sha256:".length);
    return join(server.dataDir, "registry", "content", "blobs", "sha256", hex.slice(0, 2), hex);
  };
  const onDisk = (digest: string) =>
    access(blobFile(digest)).then(
      () => true,
      () => false,
    );
  const blobsOf = (image: ImageLayout) => [image.manifestDigest, image.configDigest, ...image.layerDigests];

  beforeAll(async () => {
    server = await startSkiffServer();
    work = await mkdtemp(join(tmpdir(), "skiff-e2e-admin-"));
    layout = join(work, "layout");
  });

  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("creates, lists, shows and removes repositories", async () => {
    const created = await skiff("repo", "create", "admin/one");
    expect(created.stdout).toMatch(/^REPOSITORY\s+TAG MUTABILITY\s+EXCLUSIONS\s+CREATED$/m);
    expect(created.stdout).toMatch(/^admin\/one\s+MUTABLE\s+-\s+\d+s ago$/m);
    await skiff("repo", "create", "admin/two", "--tag-mutability", "IMMUTABLE");

    const again = await skiffFails("repo", "create", "admin/one");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists.*HTTP 409/);
    const bad = await skiffFails("repo", "create", "Admin/UPPER");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid repository name/);

    const ls = await skiff("repo", "ls");
    expect(ls.stdout).toMatch(/^admin\/one\s+MUTABLE\s/m);
    expect(ls.stdout).toMatch(/^admin\/two\s+IMMUTABLE\s/m);
    const lsJson = await skiffJson<{ name: string }[]>("repo", "ls");
    expect(lsJson.map((r) => r.name)).toEqual(expect.arrayContaining(["admin/one", "admin/two"]));

    const show = await skiffJson<{ name: string; tagMutability: string; mutabilityExclusions: string[] }[]>(
      "repo",
      "show",
      "admin/two",
    );
    expect(show).toEqual([
      expect.objectContaining({ name: "admin/two", tagMutability: "IMMUTABLE", mutabilityExclusions: [] }),
    ]);

    // A pushed image goes with its repository.
    const image = await push("admin/one:v1");
    expect(await tagDigest("admin/one", "v1")).toBe(image.manifestDigest);
    const removed = await skiff("repo", "rm", "admin/one");
    expect(removed.stdout).toContain("deleted repository admin/one");
    expect((await skiffJson<{ name: string }[]>("repo", "ls")).map((r) => r.name)).not.toContain("admin/one");
    expect(await tagDigest("admin/one", "v1")).toBeUndefined();
    const gone = await skiffFails("repo", "show", "admin/one");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/admin\/one not known.*HTTP 404/);
  });

  it("lists a repository's images with tags, size and push time", async () => {
    const v1 = await push("list/app:v1", { layers: [4000, 1000] });
    const v2 = await push("list/app:v2");
    await skopeoCopy(remote("list/app:v2"), remote("list/app:latest"), {
      srcCreds: creds(),
      destCreds: creds(),
    });

    const { stdout } = await skiff("images", "list/app");
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^TAGS\s+DIGEST\s+MEDIA TYPE\s+SIZE\s+PUSHED$/);
    expect(lines).toHaveLength(3);
    const row = (tags: string, image: ImageLayout) =>
      new RegExp(
        `^${tags}\\s+${image.manifestDigest}\\s+oci\\.image\\.manifest\\.v1\\+json\\s+${formatBytes(image.totalBytes).replace(".", "\\.")}\\s+\\d+s ago$`,
        "m",
      );
    expect(stdout).toMatch(row("latest,v2", v2));
    expect(stdout).toMatch(row("v1", v1));

    const json = await skiffJson<ImageJson[]>("images", "list/app");
    const byDigest = new Map(json.map((i) => [i.digest, i]));
    expect(byDigest.get(v1.manifestDigest)).toMatchObject({ tags: ["v1"], totalSize: v1.totalBytes });
    expect(byDigest.get(v2.manifestDigest)).toMatchObject({
      tags: ["latest", "v2"],
      totalSize: v2.totalBytes,
    });
    for (const image of json) {
      const pushed = Date.parse(image.pushedAt);
      expect(Date.now() - pushed).toBeGreaterThanOrEqual(0);
      expect(Date.now() - pushed).toBeLessThan(120_000);
    }

    const missing = await skiffFails("images", "no/such/repo");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not known.*HTTP 404/);
  });

  it("keeps immutable tags where they are, except the excluded ones", async () => {
    const created = await skiff(
      "repo",
      "create",
      "imm",
      "--tag-mutability",
      "IMMUTABLE_WITH_EXCLUSION",
      "--exclude",
      "latest",
    );
    expect(created.stdout).toMatch(/^imm\s+IMMUTABLE_WITH_EXCLUSION\s+latest\s/m);

    const old = await newImage();
    await skopeoCopy(old.src, remote("imm:v1"), { destCreds: creds() });
    await skopeoCopy(old.src, remote("imm:latest"), { destCreds: creds() });
    // Pushing the same image again to an immutable tag is fine: the tag does not move.
    await skopeoCopy(old.src, remote("imm:v1"), { destCreds: creds() });

    const next = await newImage();
    const moved = await run(
      "skopeo",
      [
        "--insecure-policy",
        "copy",
        "--dest-tls-verify=false",
        "--preserve-digests",
        "--retry-times=0",
        "--dest-creds",
        creds(),
        next.src,
        remote("imm:v1"),
      ],
      { timeoutMs: 120_000 },
    );
    expect(moved.code).not.toBe(0);
    expect(moved.stderr).toMatch(/tag 'v1' already exists in the 'imm' repository and cannot be overwritten/);
    expect(await tagDigest("imm", "v1")).toBe(old.image.manifestDigest);

    // The raw protocol answer: TAG_INVALID, and deleting the tag is refused too.
    const put = await curl("PUT", `${server.url}/v2/imm/manifests/v1`, {
      user: creds(),
      headers: { "Content-Type": OciMediaType.manifest },
      body: await readFile(blobPath(layout, next.image.manifestDigest)),
    });
    expect(put.status).toBe(400);
    expect(errorCodes(put)).toEqual(["TAG_INVALID"]);
    expect(put.text).toContain("cannot be overwritten");
    const del = await curl("DELETE", `${server.url}/v2/imm/manifests/v1`, { user: creds() });
    expect(del.status).toBe(403);
    expect(await tagDigest("imm", "v1")).toBe(old.image.manifestDigest);

    await skopeoCopy(next.src, remote("imm:latest"), { destCreds: creds() });
    expect(await tagDigest("imm", "latest")).toBe(next.image.manifestDigest);
    // New tags can always be created.
    await skopeoCopy(next.src, remote("imm:v2"), { destCreds: creds() });
    expect(await tagDigest("imm", "v2")).toBe(next.image.manifestDigest);
  });

  it("previews and applies a lifecycle policy", async () => {
    const repo = "life/app";
    const tagged: ImageLayout[] = [];
    for (let i = 1; i <= 5; i++) tagged.push(await push(`${repo}:v${i}`));
    const untagged = [await pushUntagged(repo), await pushUntagged(repo)];
    expect(await skiffJson<ImageJson[]>("images", repo)).toHaveLength(7);

    const policy = {
      rules: [
        {
          rulePriority: 1,
          description: "keep the last two releases",
          selection: {
            tagStatus: "tagged",
            tagPrefixList: ["v"],
            countType: "imageCountMoreThan",
            countNumber: 2,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "keep one of everything else",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 1 },
          action: { type: "expire" },
        },
      ],
    };
    const policyFile = join(work, "lifecycle.json");
    await writeFile(policyFile, JSON.stringify(policy));
    const put = await skiff("lifecycle", "put", repo, policyFile);
    expect(put.stdout).toContain(`lifecycle policy of ${repo} set`);
    const stored = JSON.parse((await skiff("lifecycle", "get", repo)).stdout) as typeof policy;
    expect(stored.rules.map((r) => r.rulePriority)).toEqual([1, 2]);

    // v1..v3 (oldest first) by rule 1; the older untagged image by rule 2.
    const expected = [
      { digest: tagged[0]!.manifestDigest, tags: ["v1"], rulePriority: 1 },
      { digest: tagged[1]!.manifestDigest, tags: ["v2"], rulePriority: 1 },
      { digest: tagged[2]!.manifestDigest, tags: ["v3"], rulePriority: 1 },
      { digest: untagged[0]!.manifestDigest, tags: [], rulePriority: 2 },
    ];
    const preview = await skiffJson<DecisionJson[]>("lifecycle", "preview", repo);
    expect(preview.map(({ digest, tags, rulePriority }) => ({ digest, tags, rulePriority }))).toEqual(
      expected,
    );
    const table = await skiff("lifecycle", "preview", repo);
    expect(table.stdout).toMatch(/^RULE\s+DIGEST\s+TAGS\s+PUSHED$/m);
    expect(table.stdout).toMatch(new RegExp(`^2\\s+${untagged[0]!.manifestDigest}\\s+<untagged>\\s`, "m"));
    expect(await skiffJson<ImageJson[]>("images", repo)).toHaveLength(7);

    // Age rules cannot be tested with real clocks, only that young images are spared.
    const ageFile = join(work, "lifecycle-age.json");
    await writeFile(
      ageFile,
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: 1,
            },
            action: { type: "expire" },
          },
        ],
      }),
    );
    expect(await skiffJson<DecisionJson[]>("lifecycle", "preview", repo, ageFile)).toEqual([]);
    expect((await skiff("lifecycle", "preview", repo, ageFile)).stdout).toContain("no images to expire");
    // A broken policy is refused with a reason.
    await writeFile(
      ageFile,
      JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "tagged" } }] }),
    );
    const invalid = await skiffFails("lifecycle", "put", repo, ageFile);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/invalid lifecycle policy.*HTTP 400/);

    const applied = await skiffJson<DecisionJson[]>("lifecycle", "apply", repo);
    expect(applied.map((d) => d.digest)).toEqual(expected.map((d) => d.digest));
    expect(applied.every((d) => d.repository === repo)).toBe(true);

    const left = await skiffJson<ImageJson[]>("images", repo);
    expect(left.map((i) => i.digest).sort()).toEqual(
      [tagged[3]!.manifestDigest, tagged[4]!.manifestDigest, untagged[1]!.manifestDigest].sort(),
    );
    const listing = (await skiff("images", repo)).stdout;
    expect(listing).toMatch(/^v5\s/m);
    expect(listing).toMatch(/^v4\s/m);
    expect(listing).toMatch(/^<untagged>\s/m);
    expect(listing).not.toMatch(/^v[123]\s/m);
    expect(await tagDigest(repo, "v1")).toBeUndefined();
    expect(await tagDigest(repo, "v5")).toBe(tagged[4]!.manifestDigest);

    // Nothing more to expire: applying again is a no-op.
    expect((await skiff("lifecycle", "apply", repo)).stdout).toContain("no images to expire");
  });

  it("collects the blobs of a deleted image, keeps shared ones, and deletes nothing with --dry-run", async () => {
    const seed = `gc-${Date.now()}`;
    // Same seed: layer 0 is the same blob in both; `gone` has a second layer of its own.
    const keep = await push("gc/app:keep", { seed, layers: [3000] });
    const gone = await push("gc/app:gone", { seed, layers: [3000, 1200] });
    expect(gone.layerDigests[0]).toBe(keep.layerDigests[0]);
    const unique = blobsOf(gone).filter((d) => !blobsOf(keep).includes(d));
    expect(unique).toHaveLength(3); // manifest, config, second layer
    for (const digest of [...blobsOf(keep), ...unique]) expect(await onDisk(digest), digest).toBe(true);

    const del = await curl("DELETE", `${server.url}/v2/gc/app/manifests/${gone.manifestDigest}`, {
      user: creds(),
    });
    expect(del.status).toBe(202);

    // Within the grace period nothing of it goes.
    const early = await skiffJson<GcJson>("gc", "--grace", "1h");
    expect(early.deletedBlobs.filter((d) => unique.includes(d))).toEqual([]);

    await sleep(2_500);
    const dry = await skiffJson<GcJson>("gc", "--dry-run", "--grace", "2s");
    expect(dry.dryRun).toBe(true);
    expect(dry.deletedBlobs).toEqual(expect.arrayContaining(unique));
    expect(dry.deletedBlobs.filter((d) => blobsOf(keep).includes(d))).toEqual([]);
    for (const digest of [...blobsOf(keep), ...unique]) expect(await onDisk(digest), digest).toBe(true);

    const report = (await skiff("gc", "--grace", "2s")).stdout;
    expect(report).toMatch(/^deleted \d+ blobs \(.+\), purged \d+ abandoned uploads in \d+ ms$/m);
    for (const digest of unique) expect(await onDisk(digest), digest).toBe(false);
    for (const digest of blobsOf(keep)) expect(await onDisk(digest), digest).toBe(true);
    const layer = await curl("GET", `${server.url}/v2/gc/app/blobs/${gone.layerDigests[1]}`, {
      user: creds(),
    });
    expect(layer.status).toBe(404);

    // The kept image is still whole.
    await skopeoCopy(remote("gc/app:keep"), `oci:${join(work, "gc-out")}:keep`, { srcCreds: creds() });
    expect(await tagDigest("gc/app", "keep")).toBe(keep.manifestDigest);
  });

  it("loses nothing when gc runs again and again while skopeo pushes", async () => {
    const seed = `conc-${Date.now()}`;
    const images: { tag: string; src: string; image: ImageLayout }[] = [];
    // All share a base layer (same seed, same size); each has a second layer of its own.
    for (let i = 0; i < 8; i++) {
      const { src, image } = await newImage({ seed, layers: [20_000, 1000 + i] });
      images.push({ tag: `c${i}`, src, image });
    }
    let pushing = true;
    const gcReports: GcJson[] = [];
    const collector = (async () => {
      while (pushing) gcReports.push(await skiffJson<GcJson>("gc", "--grace", "30s"));
    })();
    const pusher = async (part: typeof images) => {
      for (const { tag, src } of part)
        await skopeoCopy(src, remote(`conc/app:${tag}`), { destCreds: creds() });
    };
    try {
      await Promise.all([pusher(images.slice(0, 4)), pusher(images.slice(4))]);
    } finally {
      pushing = false;
      await collector;
    }
    expect(gcReports.length).toBeGreaterThan(0);
    const pushedBlobs = new Set(images.flatMap(({ image }) => blobsOf(image)));
    for (const report of gcReports) expect(report.deletedBlobs.filter((d) => pushedBlobs.has(d))).toEqual([]);

    for (const { tag, image } of images) {
      expect(await tagDigest("conc/app", tag)).toBe(image.manifestDigest);
      const out = join(work, `conc-out-${tag}`);
      await skopeoCopy(remote(`conc/app:${tag}`), `oci:${out}:${tag}`, { srcCreds: creds() });
      for (const digest of blobsOf(image)) expect(await onDisk(digest), digest).toBe(true);
    }
  });
});
