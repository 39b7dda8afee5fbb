// attach is all or nothing, and detach works from whatever a crash left: a failing plugin in
// the middle of the chain, and a record written before ADD whose result never arrived.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkManager } from "../src/net/manager.js";
import { requireTool, runOk } from "./support/tools.js";

const PLUGINS = "/usr/lib/cni";
const haveTools =
  process.getuid?.() === 0 && ["ip", "iptables", "unshare"].every((t) => requireTool(t)) && pluginsPresent();

function pluginsPresent(): boolean {
  if (["bridge", "host-local", "loopback", "portmap"].every((p) => existsSync(join(PLUGINS, p)))) return true;
  if (process.env.CI === "true") {
    throw new Error("CNI plugins missing in /usr/lib/cni: apt-get install containernetworking-plugins");
  }
  return false;
}

const rand = Math.floor(Math.random() * 0xffff);
const bridgeName = `skun${process.pid % 10000}${rand.toString(16)}`.slice(0, 15);
const subnet = `10.${150 + (rand % 50)}.${rand % 250}.0/24`;
const id = (n: number): string => `${rand.toString(16).padStart(4, "0")}${"e".repeat(59)}${n}`.slice(0, 64);
const logger = pino({ level: "silent" });

let root = "";
let stubs = "";
const managers: NetworkManager[] = [];

async function open(pluginDirs: string[]): Promise<NetworkManager> {
  const nm = await NetworkManager.open({
    stateDir: join(root, "state"),
    execRoot: join(root, "exec"),
    bridgeName,
    subnet,
    pluginDirs,
    warm: 0, // the attach path that makes everything itself (warm ones: net-warm.test.ts)
    logger,
  });
  managers.push(nm);
  return nm;
}

async function leases(): Promise<string[]> {
  const dir = join(root, "state", "ipam", bridgeName);
  return (await readdir(dir).catch(() => [])).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
}

async function iptablesMentions(text: string): Promise<boolean> {
  return (await runOk("iptables-save", [])).stdout.includes(text);
}

describe.skipIf(!haveTools)("NetworkManager undo", () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-netundo-"));
    stubs = join(root, "stubs");
    await mkdir(stubs);
    // A portmap that fails ADD (after bridge succeeded) and accepts DEL.
    await writeFile(
      join(stubs, "portmap"),
      `#!/bin/sh\ncat >/dev/null\n[ "$CNI_COMMAND" = ADD ] || exit 0\necho '{"cniVersion":"1.0.0","code":11,"msg":"portmap exploded"}'\nexit 1\n`,
    );
    await chmod(join(stubs, "portmap"), 0o755);
  });

  afterAll(async () => {
    const last = managers[managers.length - 1];
    if (last !== undefined) {
      for (const cid of await last.attached()) await last.detach(cid).catch(() => undefined);
      await last.removeNetwork();
    }
    for (const m of managers) await m.close();
    if (root !== "") await rm(root, { recursive: true, force: true });
  });

  it("undoes the bridge ADD when a later plugin in the chain fails", async () => {
    const nm = await open([stubs, PLUGINS]);
    await expect(
      nm.attach(id(1), {
        mode: "bridge",
        ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 }],
      }),
    ).rejects.toThrow("CNI plugin portmap ADD failed: portmap exploded");
    expect(await leases()).toEqual([]);
    expect(existsSync(join(root, "exec", "netns", id(1)))).toBe(false);
    expect(await nm.attached()).toEqual([]);
    expect(await iptablesMentions(id(1))).toBe(false);
    await nm.close();
  });

  it("detaches from a record whose ADD result never arrived (a crash during attach)", async () => {
    const nm = await open([PLUGINS]);
    const a = await nm.attach(id(2), {
      mode: "bridge",
      ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 }],
    });
    expect(await leases()).toEqual([a.ip]);
    await nm.close();
    const file = join(root, "state", "containers", `${id(2)}.json`);
    const record = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    delete record.result;
    await writeFile(file, JSON.stringify(record));

    const after = await open([PLUGINS]);
    await after.detach(id(2));
    expect(await leases()).toEqual([]);
    expect(existsSync(a.netnsPath ?? "")).toBe(false);
    expect(await iptablesMentions(id(2))).toBe(false);
    expect(await after.attached()).toEqual([]);
    await after.detach(id(2));
  });
});
