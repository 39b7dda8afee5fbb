import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { hostPorts, hostsFile } from "./runtime-sandbox.js";

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
