import { afterEach, describe, expect, it } from "vitest";
import { harness, until, type Harness } from "./agent.test-util.js";

let h: Harness | undefined;
afterEach(async () => h?.close());

describe("node registration and lease", () => {
  it("registers the Node with capacity, allocatable, nodeInfo, addresses and Ready", async () => {
    h = await harness();
    const node = await h.client.resource({ apiVersion: "v1", kind: "Node" }).get(undefined, "node-1");
    const status = node.status as Record<string, never>;
    expect(status.capacity).toMatchObject({ cpu: "4", memory: "8388608Ki", pods: "110" });
    expect(status.allocatable).toMatchObject({ cpu: "4", memory: `${8388608 - 102400}Ki`, pods: "110" });
    expect(status.nodeInfo).toMatchObject({
      kubeletVersion: "v1.32.0-skiff",
      architecture: "amd64",
      operatingSystem: "linux",
      machineID: "m1",
      bootID: "b1",
    });
    expect(status.addresses).toEqual([
      { type: "InternalIP", address: "192.168.1.10" },
      { type: "Hostname", address: "node-1" },
    ]);
    const conditions = status.conditions as {
      type: string;
      status: string;
      reason: string;
      message: string;
    }[];
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      "MemoryPressure=False",
      "DiskPressure=False",
      "PIDPressure=False",
      "Ready=True",
    ]);
    expect(conditions[3]).toMatchObject({
      reason: "KubeletReady",
      message: "kubelet is posting ready status",
    });
    expect(node.metadata.labels).toMatchObject({
      "kubernetes.io/hostname": "node-1",
      "kubernetes.io/os": "linux",
    });
  });

  it("holds a Lease in kube-node-lease owned by the Node and renews it every 10 s", async () => {
    h = await harness();
    const harn = h;
    const leases = harn.client.resource({ apiVersion: "coordination.k8s.io/v1", kind: "Lease" });
    const node = await harn.client.resource({ apiVersion: "v1", kind: "Node" }).get(undefined, "node-1");
    const lease = await leases.get("kube-node-lease", "node-1");
    expect(lease.spec).toMatchObject({ holderIdentity: "node-1", leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Node", name: "node-1", uid: node.metadata.uid },
    ]);
    const first = (lease.spec as { renewTime: string }).renewTime;
    await harn.clock.advance(10_000);
    const renewed = await until(async () => {
      const l = await leases.get("kube-node-lease", "node-1");
      const t = (l.spec as { renewTime: string }).renewTime;
      return t !== first && t;
    }, "renewal");
    expect(Date.parse(renewed) - Date.parse(first)).toBe(10_000);
  });

  it("takes over an existing Node after a restart", async () => {
    h = await harness();
    await h.close();
    h.agent = await h.startAgent();
    const nodes = await h.client.resource({ apiVersion: "v1", kind: "Node" }).list();
    expect(nodes.items).toHaveLength(1);
  });
});
