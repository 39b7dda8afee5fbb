// Warm attachments for real (root, CNI plugins): a bridge attach takes a namespace made and
// ADDed ahead of time, publishes ports on it with portmap, and gives everything back on
// detach; unclaimed ones go on close, and those a crash left go when the manager opens again.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkManager } from "../src/net/manager.js";
import { stopChild } from "./support/child.js";
import { requireTool, run } from "./support/tools.js";

const PLUGINS = "/usr/lib/cni";
const haveTools =
  process.getuid?.() === 0 &&
  ["ip", "iptables", "busybox", "curl", "nsenter", "unshare"].every((t) => requireTool(t)) &&
  ["bridge", "host-local", "portmap"].every((p) => existsSync(join(PLUGINS, p)));

const rand = Math.floor(Math.random() * 0xffff);
const bridgeName = `skwm${process.pid % 10000}${rand.toString(16)}`.slice(0, 15);
const subnet = `10.${200 + (rand % 50)}.${(rand >> 3) % 250}.0/24`;
const id = (n: number): string => `${rand.toString(16).padStart(4, "0")}${"a".repeat(59)}${n}`.slice(0, 64);
const logger = pino({ level: "silent" });

let root = "";
let nm: NetworkManager | undefined;
const children: ChildProcess[] = [];

const open = (): Promise<NetworkManager> =>
  NetworkManager.open({
    stateDir: join(root, "state"),
    execRoot: join(root, "exec"),
    bridgeName,
    subnet,
    pluginDirs: [PLUGINS],
    warm: 2,
    logger,
  });

async function until(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const leases = async (): Promise<string[]> =>
  (await readdir(join(root, "state", "ipam", bridgeName)).catch(() => [])).filter((f) => /^\d/.test(f));
const records = async (): Promise<string[]> =>
  (await readdir(join(root, "state", "containers")).catch(() => [])).filter((f) => f.endsWith(".json"));
const namespaces = async (): Promise<string[]> => readdir(join(root, "exec", "netns")).catch(() => []);
/** n unclaimed warm attachments (a claimed one keeps its warm-… namespace name). */
const warmReady = async (n: number): Promise<boolean> => {
  const warm = (await records()).filter((f) => f.startsWith("warm-")).map((f) => f.slice(0, -5));
  const spaces = await namespaces();
  return warm.length === n && warm.every((w) => spaces.includes(w));
};

describe.skipIf(!haveTools)("NetworkManager warm attachments", () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-netwarm-"));
  });

  afterAll(async () => {
    for (const c of children) await stopChild(c, "SIGKILL", 2000);
    if (nm !== undefined) {
      for (const n of [1, 2, 3]) await nm.detach(id(n)).catch(() => undefined);
      await nm.close();
      await nm.removeNetwork();
    }
    if (root !== "") await rm(root, { recursive: true, force: true });
  });

  it("hands a ready namespace to an attach and publishes its ports there", async () => {
    nm = await open();
    await until(() => warmReady(2));
    const heard: string[] = [];
    const a = await nm.attach(id(1), {
      mode: "bridge",
      ports: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 0 }],
      onNamespace: (p) => heard.push(p),
    });
    expect(a.netnsPath).toMatch(/\/warm-[0-9a-f]{24}$/);
    expect(heard).toEqual([a.netnsPath]);
    expect(a.ip).toMatch(/^10\./);
    expect(await leases()).toContain(a.ip);
    // The warm record became the container's (ADD's ID kept for DEL).
    const rec = JSON.parse(await readFile(join(root, "state", "containers", `${id(1)}.json`), "utf8")) as {
      cniContainerId?: string;
    };
    expect(a.netnsPath?.endsWith(rec.cniContainerId ?? "?")).toBe(true);
    expect(await records()).not.toContain(`${rec.cniContainerId ?? "?"}.json`);
    const lo = await run("nsenter", [`--net=${a.netnsPath ?? ""}`, "ip", "-o", "addr", "show", "lo"]);
    expect(lo.stdout).toContain("127.0.0.1/8");
    const www = await mkdtemp(join(root, "www-"));
    await writeFile(join(www, "index.html"), "warm\n");
    children.push(
      spawn("nsenter", [`--net=${a.netnsPath ?? ""}`, "busybox", "httpd", "-f", "-p", "80", "-h", www], {
        stdio: "ignore",
      }),
    );
    const url = `http://127.0.0.1:${a.ports[0]?.hostPort ?? 0}/`;
    await until(async () => (await run("curl", ["-sS", "--max-time", "2", url])).stdout === "warm\n");
    // The pool is refilled once attaches are quiet.
    await until(() => warmReady(2));

    await nm.detach(id(1));
    expect(existsSync(a.netnsPath ?? "")).toBe(false);
    expect(await leases()).not.toContain(a.ip);
    expect((await run("iptables-save", [])).stdout).not.toContain(rec.cniContainerId ?? "?");
    expect((await run("curl", ["-sS", "--max-time", "2", url])).code).not.toBe(0);
  });

  it("releases unclaimed ones on close and those a crash left on open", async () => {
    if (nm === undefined) throw new Error("no manager");
    const b = await nm.attach(id(2), { mode: "bridge", ports: [] });
    await until(() => warmReady(2));
    await nm.close();
    // Only the container's attachment is left.
    expect(await leases()).toEqual([b.ip]);
    expect(await namespaces()).toEqual([b.netnsPath?.split("/").at(-1)]);

    nm = await open();
    await until(() => warmReady(2));
    // A crash: the manager is dropped without close; a new one releases what it left.
    const crashed = nm;
    nm = await open();
    expect(await nm.attached()).toEqual([id(2)]);
    await until(() => warmReady(2)); // the new manager's own: with b's, three leases
    await until(async () => (await leases()).length === 3);
    await crashed.close(); // (nothing of its own is left to release)
    await nm.detach(id(2));
    expect(existsSync(b.netnsPath ?? "")).toBe(false);
    await nm.close();
    expect(await leases()).toEqual([]);
    expect(await namespaces()).toEqual([]);
    expect(await records()).toEqual([]);
    nm = undefined;
  });
});
