// Fixtures for the runtime tests: a busybox root filesystem (the host's static busybox and its
// applet links) and the directories and spec of one container.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readdir, rmdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findTool, runOk } from "./support/tools.js";
import { buildSpec, readHostRlimits } from "../src/runtime/spec.js";
import type { CreateOptions } from "../src/runtime/runtime.js";

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
