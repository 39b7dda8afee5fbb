// NetworkManager for real (root, CNI plugins, iptables): containers are plain network
// namespaces joined with nsenter; a busybox httpd inside one stands for a container's server.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkManager, type NetworkAttachment } from "../src/net/manager.js";
import { stopChild } from "./support/child.js";
import { requireTool, run, runOk } from "./support/tools.js";

const PLUGINS = "/usr/lib/cni";
const haveTools =
  process.getuid?.() === 0 &&
  ["ip", "iptables", "busybox", "curl", "nsenter", "unshare"].every((t) => requireTool(t)) &&
  pluginsPresent();

function pluginsPresent(): boolean {
  if (["bridge", "host-local", "loopback", "portmap"].every((p) => existsSync(join(PLUGINS, p)))) return true;
  if (process.env.CI === "true") {
    throw new Error("CNI plugins missing in /usr/lib/cni: apt-get install containernetworking-plugins");
  }
  return false;
}

const rand = Math.floor(Math.random() * 0xffff);
const bridgeName = `sknt${process.pid % 10000}${rand.toString(16)}`.slice(0, 15);
const subnet = `10.${200 + (rand % 50)}.${rand % 250}.0/24`;
const id = (n: number): string => `${rand.toString(16).padStart(4, "0")}${"0".repeat(59)}${n}`.slice(0, 64);
const logger = pino({ level: "silent" });

let root = "";
let nm: NetworkManager;
const children: ChildProcess[] = [];
const attached = new Set<string>();

async function open(): Promise<NetworkManager> {
  return NetworkManager.open({
    stateDir: join(root, "state"),
    execRoot: join(root, "exec"),
    bridgeName,
    subnet,
    pluginDirs: [PLUGINS],
    warm: 0, // the attach path that makes everything itself (warm ones: net-warm.test.ts)
    logger,
  });
}

async function attach(n: number, o: Parameters<NetworkManager["attach"]>[1]): Promise<NetworkAttachment> {
  attached.add(id(n));
  return nm.attach(id(n), o);
}

function inNetns(
  a: NetworkAttachment,
  cmd: string[],
): Promise<ReturnType<typeof run> extends Promise<infer R> ? R : never> {
  return run("nsenter", [`--net=${a.netnsPath ?? ""}`, ...cmd], { timeoutMs: 10_000 });
}

/** busybox httpd serving `text` on port 80 inside the namespace. */
async function serveIn(a: NetworkAttachment, text: string): Promise<void> {
  const www = await mkdtemp(join(root, "www-"));
  await writeFile(join(www, "index.html"), text);
  const child = spawn(
    "nsenter",
    [`--net=${a.netnsPath ?? ""}`, "busybox", "httpd", "-f", "-p", "80", "-h", www],
    {
      stdio: "ignore",
    },
  );
  children.push(child);
  for (let i = 0; i < 50; i++) {
    const r = await inNetns(a, ["busybox", "wget", "-q", "-O", "-", "http://127.0.0.1/"]);
    if (r.code === 0) return;
    await new Promise((r2) => setTimeout(r2, 50));
  }
  throw new Error("httpd did not start in the namespace");
}

async function bridgePorts(): Promise<number> {
  const r = await runOk("ip", ["-o", "link", "show", "master", bridgeName]);
  return r.stdout.trim() === "" ? 0 : r.stdout.trim().split("\n").length;
}

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The host's own IPv4 addresses other than loopback and the test bridge's. */
async function hostAddresses(): Promise<string[]> {
  const r = await runOk("ip", ["-4", "-o", "addr", "show"]);
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 3 && f[1] !== "lo" && f[1] !== bridgeName)
    .map((f) => (f[3] ?? "").split("/")[0] ?? "")
    .filter((a) => a !== "");
}

function udpAsk(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    const timer = setInterval(() => s.send(text, port, host), 200); // UDP: ask again until answered
    const done = (err?: Error, msg?: Buffer): void => {
      clearInterval(timer);
      clearTimeout(deadline);
      s.close();
      if (err) reject(err);
      else resolve(msg?.toString() ?? "");
    };
    const deadline = setTimeout(() => done(new Error("no UDP answer")), 5000);
    s.on("message", (m: Buffer) => done(undefined, m));
    s.on("error", (e) => done(e));
    s.send(text, port, host);
  });
}

async function curl(url: string): Promise<string> {
  return (await runOk("curl", ["-sS", "--max-time", "5", url])).stdout;
}

async function iptablesMentions(text: string): Promise<boolean> {
  const save = await runOk("iptables-save", []);
  return save.stdout.includes(text);
}

describe.skipIf(!haveTools)("NetworkManager on a real bridge", () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-net-"));
    nm = await open();
  });

  afterAll(async () => {
    for (const c of children) await stopChild(c, "SIGKILL", 2000);
    if (nm !== undefined) {
      for (const cid of attached) await nm.detach(cid).catch(() => undefined);
      await nm.removeNetwork();
      await nm.close();
    }
    if (root !== "") await rm(root, { recursive: true, force: true });
  });

  it("gives two containers IPs on the bridge that reach each other and the gateway", async () => {
    const t0 = performance.now();
    const a = await attach(1, { mode: "bridge", ports: [] });
    const addMs = performance.now() - t0;
    const b = await attach(2, { mode: "bridge", ports: [] });
    expect(a.ip).toMatch(/^10\./);
    expect(a.prefixLen).toBe(24);
    expect(a.gateway).toBe(nm.gateway);
    expect(a.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(b.ip).not.toBe(a.ip);
    expect((await inNetns(a, ["busybox", "ping", "-c", "1", "-W", "2", b.ip ?? ""])).code).toBe(0);
    expect((await inNetns(b, ["busybox", "ping", "-c", "1", "-W", "2", a.ip ?? ""])).code).toBe(0);
    expect((await inNetns(a, ["busybox", "ping", "-c", "1", "-W", "2", nm.gateway])).code).toBe(0);
    const lo = await inNetns(a, ["ip", "-o", "addr", "show", "lo"]);
    expect(lo.stdout).toContain("127.0.0.1/8");

    const t1 = performance.now();
    await nm.detach(id(2));
    const delMs = performance.now() - t1;
    console.log(`bridge attach ${addMs.toFixed(1)} ms, detach ${delMs.toFixed(1)} ms`);
    expect(existsSync(b.netnsPath ?? "")).toBe(false);
    expect(await iptablesMentions(id(2))).toBe(false);
    // The kernel deletes the namespace's veth (and its bridge port) with the namespace.
    await until(async () => (await bridgePorts()) === 1);
    await nm.detach(id(2)); // idempotent
  });

  it("writes hosts, hostname and resolv.conf", async () => {
    const a = await attach(3, { mode: "bridge", ports: [] });
    const dir = await mkdtemp(join(root, "files-"));
    const paths = await nm.writeContainerFiles(dir, { hostname: "web1", attachment: a });
    const hosts = await readFile(paths.hosts, "utf8");
    expect(hosts).toContain("127.0.0.1\tlocalhost\n");
    expect(hosts).toContain("::1\tlocalhost ip6-localhost ip6-loopback\n");
    expect(hosts).toContain(`${a.ip ?? "?"}\tweb1\n`);
    expect(await readFile(paths.hostname, "utf8")).toBe("web1\n");
    expect(await readFile(paths.resolvConf, "utf8")).toMatch(/nameserver /);
    await nm.detach(id(3));
  });

  it("gives mode none a namespace with only loopback up, and host no namespace", async () => {
    const a = await attach(4, { mode: "none", ports: [] });
    expect(a.ip).toBeUndefined();
    const links = await inNetns(a, ["ip", "-o", "link"]);
    expect(links.stdout.trim().split("\n")).toHaveLength(1);
    expect(links.stdout).toMatch(/lo: <LOOPBACK,UP/);
    await nm.detach(id(4));
    expect(existsSync(a.netnsPath ?? "")).toBe(false);
    expect(await nm.attach(id(5), { mode: "host", ports: [] })).toEqual({ mode: "host", ports: [] });
  });

  it("publishes a port on 127.0.0.1, the gateway address and a picked port", async () => {
    const a = await attach(6, {
      mode: "bridge",
      ports: [
        { containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 },
        { containerPort: 80, protocol: "udp", hostIp: "", hostPort: 0 },
      ],
    });
    const [tcp, udp] = a.ports;
    expect(tcp?.hostPort).toBeGreaterThanOrEqual(32768);
    expect(tcp?.hostPort).toBeLessThanOrEqual(60999);
    expect(udp?.hostPort).toBeGreaterThanOrEqual(32768);
    await serveIn(a, "hello from the container\n");
    const port = tcp?.hostPort ?? 0;
    expect(await curl(`http://127.0.0.1:${port}/`)).toBe("hello from the container\n");
    expect(await curl(`http://${nm.gateway}:${port}/`)).toBe("hello from the container\n");
    for (const addr of await hostAddresses()) {
      expect(await curl(`http://${addr}:${port}/`)).toBe("hello from the container\n");
    }
    // From another container, as from another machine: through PREROUTING's DNAT.
    const b = await attach(11, { mode: "bridge", ports: [] });
    const viaGateway = await inNetns(b, [
      "busybox",
      "wget",
      "-q",
      "-O",
      "-",
      `http://${nm.gateway}:${port}/`,
    ]);
    expect(viaGateway.stdout).toBe("hello from the container\n");
    await nm.detach(id(11));
  });

  it("publishes on one host address only when asked", async () => {
    const a = await attach(13, {
      mode: "bridge",
      ports: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 0 }],
    });
    await serveIn(a, "loopback only\n");
    const port = a.ports[0]?.hostPort ?? 0;
    expect(a.ports[0]?.hostIp).toBe("127.0.0.1");
    expect(await curl(`http://127.0.0.1:${port}/`)).toBe("loopback only\n");
    const elsewhere = await run("curl", ["-sS", "--max-time", "2", `http://${nm.gateway}:${port}/`]);
    expect(elsewhere.code).not.toBe(0);
    await nm.detach(id(13));
  });

  it("publishes a UDP port", async () => {
    const a = await attach(12, {
      mode: "bridge",
      ports: [{ containerPort: 5353, protocol: "udp", hostIp: "", hostPort: 0 }],
    });
    const echo =
      "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('echo '+m,r.port,r.address));s.bind(5353,()=>console.log('ready'))";
    const child = spawn("nsenter", [`--net=${a.netnsPath ?? ""}`, process.execPath, "-e", echo], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
    const reply = await udpAsk("127.0.0.1", a.ports[0]?.hostPort ?? 0, "ping");
    expect(reply).toBe("echo ping");
    await nm.detach(id(12));
  });

  it("attaches many containers at once, each with its own address", async () => {
    const ns = [20, 21, 22, 23, 24];
    const all = await Promise.all(ns.map((n) => attach(n, { mode: "bridge", ports: [] })));
    expect(new Set(all.map((a) => a.ip)).size).toBe(ns.length);
    await Promise.all(ns.map((n) => nm.detach(id(n))));
    for (const a of all) expect(existsSync(a.netnsPath ?? "")).toBe(false);
  });

  it("refuses a port taken by another container or a host process, leaving nothing behind", async () => {
    const first = await attach(7, {
      mode: "bridge",
      ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 }],
    });
    const taken = first.ports[0]?.hostPort ?? 0;
    const leasesBefore = await readdir(join(root, "state", "ipam", bridgeName));
    await expect(
      nm.attach(id(8), {
        mode: "bridge",
        endpointName: "web",
        ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: taken }],
      }),
    ).rejects.toMatchObject({
      statusCode: 500,
      message: `driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:${taken} failed: port is already allocated`,
    });

    const host: Server = createServer();
    await new Promise<void>((r) => host.listen(0, "0.0.0.0", r));
    const hostPort = (host.address() as { port: number }).port;
    try {
      await expect(
        nm.attach(id(8), {
          mode: "bridge",
          endpointName: "web",
          ports: [
            { containerPort: 81, protocol: "tcp", hostIp: "", hostPort: 0 },
            { containerPort: 80, protocol: "tcp", hostIp: "", hostPort },
          ],
        }),
      ).rejects.toMatchObject({
        statusCode: 500,
        message: `driver failed programming external connectivity on endpoint web: Error starting userland proxy: listen tcp4 0.0.0.0:${hostPort}: bind: address already in use`,
      });
    } finally {
      host.close();
    }
    expect(existsSync(join(root, "exec", "netns", id(8)))).toBe(false);
    expect(existsSync(join(root, "state", "containers", `${id(8)}.json`))).toBe(false);
    expect(await readdir(join(root, "state", "ipam", bridgeName))).toEqual(leasesBefore);
    expect(await iptablesMentions(id(8))).toBe(false);
  });

  it("detaches after a restart, and restore binds published ports again", async () => {
    const a = await attach(9, {
      mode: "bridge",
      ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 }],
    });
    const port = a.ports[0]?.hostPort ?? 0;
    await serveIn(a, "still here\n");
    await nm.close();
    // No process holds the port now: portmap's DNAT alone answers, on 127.0.0.1 too.
    expect(await curl(`http://127.0.0.1:${port}/`)).toBe("still here\n");
    // A namespace that a crash left without a record is removed when the manager opens.
    const stale = join(root, "exec", "netns", "stale");
    await writeFile(stale, "");
    await runOk("unshare", [`--net=${stale}`, "true"]);
    nm = await open();
    expect(existsSync(stale)).toBe(false);
    expect(await nm.attached()).toContain(id(9));
    // Claimed from the persisted record even before restore:
    await expect(
      nm.attach(id(10), {
        mode: "bridge",
        ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: port }],
      }),
    ).rejects.toMatchObject({ statusCode: 500 });
    await nm.restore(id(9), a);
    expect(await curl(`http://127.0.0.1:${port}/`)).toBe("still here\n");
    expect(await iptablesMentions(id(9))).toBe(true);
    await nm.detach(id(9));
    expect(await iptablesMentions(id(9))).toBe(false);
    expect(existsSync(a.netnsPath ?? "")).toBe(false);
    const after = await run("curl", ["-sS", "--max-time", "2", `http://127.0.0.1:${port}/`]);
    expect(after.code).not.toBe(0);
  });
});
