// Fixtures for the runtime tests: a busybox root filesystem (the host's static busybox and its
// applet links) and the directories and spec of one container.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import { findTool, runOk } from "./support/tools.js";
import { buildSpec, readHostRlimits } from "../src/runtime/spec.js";
import { Runtime, type CreateOptions } from "../src/runtime/runtime.js";

/**
 * Whether this process may run containers (root). Like requireTool: in CI (CI=true) a missing
 * privilege is an error, so the tests fail instead of skipping.
 */
export function requireRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.CI === "true") throw new Error("the runtime tests need root (runc, cgroups, namespaces)");
  return false;
}

/** Builds a busybox rootfs in `dir` (bin/busybox, one link per applet, /etc/passwd, /etc/group). */
export async function makeBusyboxRootfs(dir: string): Promise<string> {
  const busybox = findTool("busybox");
  if (busybox === undefined) throw new Error("busybox is not installed (apt-get install busybox-static)");
  for (const d of ["bin", "etc", "tmp", "proc", "sys", "dev", "root", "home/app"]) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await copyFile(busybox, join(dir, "bin/busybox"));
  const applets = (await runOk(busybox, ["--list"])).stdout.split("\n").filter(Boolean);
  for (const applet of applets) {
    if (applet !== "busybox") await symlink("busybox", join(dir, "bin", applet)).catch(() => undefined);
  }
  await writeFile(
    join(dir, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
  );
  await writeFile(join(dir, "etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n");
  return dir;
}

export interface Fixture {
  id: string;
  dir: string;
  create: CreateOptions;
}

/** A unique container ID and its directories under `base`, with a spec for `args`. */
export function containerFixture(
  base: string,
  rootfs: string,
  args: string[],
  o: { tty?: boolean; stdin?: boolean; memoryBytes?: number; cgroupParent: string },
): Fixture {
  const id = randomBytes(32).toString("hex");
  const dir = join(base, "containers", id);
  const tty = o.tty === true;
  const spec = buildSpec({
    rootfs,
    args,
    env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
    user: { uid: 0, gid: 0 },
    terminal: tty,
    hostname: id.slice(0, 12),
    isolatedNetwork: true,
    memoryBytes: o.memoryBytes,
    cgroupsPath: `/${o.cgroupParent}/${id}`,
    hostRlimits: readHostRlimits(),
  });
  return {
    id,
    dir,
    create: {
      bundleDir: join(dir, "bundle"),
      spec,
      logPath: join(dir, "ctr.log"),
      exitDir: dir,
      persistDir: dir,
      stdin: o.stdin === true,
      tty,
    },
  };
}

/** A cgroup parent name unique to this test run. */
export function testCgroupParent(): string {
  return `skiff-test-${randomBytes(4).toString("hex")}`;
}

/** Removes the (empty) cgroup parent `name` from every v1 hierarchy (and v2), once runc deleted its children. */
export async function removeCgroupParent(name: string): Promise<void> {
  const roots = [
    "/sys/fs/cgroup",
    ...(await readdir("/sys/fs/cgroup").catch(() => [])).map((d) => join("/sys/fs/cgroup", d)),
  ];
  for (const root of roots) await rmdir(join(root, name)).catch(() => undefined);
}

export interface RuntimeSuite {
  /** The Runtime under test (set in beforeAll). */
  readonly runtime: Runtime;
  /** The suite's temp directory. */
  readonly base: string;
  /** A busybox root filesystem shared by the suite's containers. */
  readonly rootfs: string;
  /** A new container fixture, deleted (force) after the suite. */
  fixture(args: string[], o?: { tty?: boolean; stdin?: boolean; memoryBytes?: number }): Fixture;
}

/**
 * Sets up a describe block of runtime tests: a temp dir, a busybox rootfs, a Runtime and a
 * cgroup parent of its own, all removed (with the containers made by `fixture`) afterwards.
 */
export function runtimeSuite(): RuntimeSuite {
  let base = "";
  let rootfs = "";
  let runtime: Runtime | undefined;
  const created: Fixture[] = [];
  const cgroupParent = testCgroupParent();
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "skiff-rt-"));
    rootfs = await makeBusyboxRootfs(join(base, "rootfs"));
    runtime = new Runtime({ execRoot: join(base, "exec"), logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    for (const f of created) await runtime?.delete(f.id, { force: true }).catch(() => undefined);
    await removeCgroupParent(cgroupParent);
    if (base !== "") await rm(base, { recursive: true, force: true });
  });
  return {
    get runtime() {
      if (runtime === undefined) throw new Error("runtimeSuite: used before beforeAll");
      return runtime;
    },
    get base() {
      return base;
    },
    get rootfs() {
      return rootfs;
    },
    fixture(args, o = {}) {
      const f = containerFixture(base, rootfs, args, { ...o, cgroupParent });
      created.push(f);
      return f;
    },
  };
}
