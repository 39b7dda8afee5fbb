import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import type { NetworkAttachment } from "../net/manager.js";
import { hostPorts, hostsFile, PodSandboxes, type SandboxNetwork } from "./runtime-sandbox.js";

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-1", namespace: "shop", uid: "u" },
  spec: { containers: [], ...spec },
});

describe("the pod's hosts file (the kubelet's managed one)", () => {
  it("names the pod, with its subdomain's FQDN and host aliases", () => {
    expect(hostsFile(pod({}), "10.0.0.7")).toBe(
      "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.0.0.7\tweb-1\n",
    );
    const withDomain = hostsFile(
      pod({ hostname: "db", subdomain: "cluster", hostAliases: [{ ip: "1.2.3.4", hostnames: ["a", "b"] }] }),
      "10.0.0.7",
    );
    expect(withDomain).toContain("10.0.0.7\tdb.cluster.shop.svc.cluster.local\tdb\n");
    expect(withDomain.endsWith("\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n")).toBe(true);
    expect(hostsFile(pod({}), "192.168.1.1", "127.0.0.1 localhost\n")).toBe(
      "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n",
    );
  });

  it("publishes every hostPort", () => {
    const p = pod({
      containers: [{ name: "a", ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }],
      initContainers: [
        { name: "i", ports: [{ containerPort: 53, hostPort: 5353, protocol: "UDP", hostIP: "127.0.0.1" }] },
      ],
    });
    expect(hostPorts(p)).toEqual([
      { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 5353 },
      { containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 8080 },
    ]);
  });
});

describe("PodSandboxes", () => {
  let dir = "";
  afterEach(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  /** A network that records its calls and keeps attachments in memory (the netns a plain file). */
  function network(netnsPath: string): SandboxNetwork & { calls: string[] } {
    const attached = new Map<string, NetworkAttachment>();
    const calls: string[] = [];
    return {
      calls,
      async attachment(id) {
        calls.push(`attachment ${id}`);
        return attached.get(id);
      },
      async attach(id) {
        calls.push(`attach ${id}`);
        const a = { mode: "bridge", netnsPath, ip: "10.0.0.9", ports: [] } as unknown as NetworkAttachment;
        attached.set(id, a);
        return a;
      },
      async restore(id) {
        calls.push(`restore ${id}`);
      },
      async detach(id) {
        calls.push(`detach ${id}`);
        attached.delete(id);
      },
    };
  }

  it("makes a pod's sandbox once, reuses it for every start, and makes it again after remove", async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-sandbox-"));
    const netns = join(dir, "netns");
    await writeFile(netns, "");
    const net = network(netns);
    const sandboxes = new PodSandboxes({
      network: net,
      nodeIP: "192.168.1.1",
      logger: pino({ level: "silent" }),
    });
    const p = pod({ containers: [{ name: "a" }] });
    const podDir = join(dir, "pod");
    const first = await sandboxes.ensure(p, podDir);
    expect(first).toMatchObject({ podIP: "10.0.0.9", netnsPath: netns });
    expect(await readFile(first.files.hosts, "utf8")).toContain("10.0.0.9\tweb-1\n");
    expect(await Promise.all([sandboxes.ensure(p, podDir), sandboxes.ensure(p, podDir)])).toEqual([
      first,
      first,
    ]);
    expect(net.calls).toEqual(["attachment pod-u", "attach pod-u"]);
    await sandboxes.remove("u");
    await sandboxes.ensure(p, podDir);
    expect(net.calls).toEqual([
      "attachment pod-u",
      "attach pod-u",
      "detach pod-u",
      "attachment pod-u",
      "attach pod-u",
    ]);
  });

  it("finds a sandbox a previous process made, and restores its ports once", async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-sandbox-"));
    const netns = join(dir, "netns");
    await writeFile(netns, "");
    const net = network(netns);
    const logger = pino({ level: "silent" });
    const p = pod({ containers: [{ name: "a" }] });
    await new PodSandboxes({ network: net, nodeIP: "192.168.1.1", logger }).ensure(p, join(dir, "pod"));
    const restarted = new PodSandboxes({ network: net, nodeIP: "192.168.1.1", logger });
    await restarted.ensure(p, join(dir, "pod"));
    await restarted.ensure(p, join(dir, "pod"));
    expect(net.calls).toEqual(["attachment pod-u", "attach pod-u", "attachment pod-u", "restore pod-u"]);
  });
});
