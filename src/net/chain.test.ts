import { describe, expect, it } from "vitest";
import { bridgePlugin, containerAddress, parseSubnet, portmapPlugin, withPrevResult } from "./chain.js";

const network = { name: "skiff0", bridge: "skiff0", subnet: "10.89.0.0/16", ipamDir: "/data/net/ipam" };

describe("parseSubnet", () => {
  it("finds the gateway host-local uses (the first address)", () => {
    expect(parseSubnet("10.89.0.0/16")).toEqual({ gateway: "10.89.0.1", prefixLen: 16 });
    expect(parseSubnet("10.89.7.130/25")).toEqual({ gateway: "10.89.7.129", prefixLen: 25 });
  });

  it("refuses what is not an IPv4 CIDR of a usable size", () => {
    for (const bad of ["10.89.0.0", "10.89.0.0/31", "300.1.1.0/24", "fd00::/64", "10.0.0.0/4"]) {
      expect(() => parseSubnet(bad)).toThrow(/invalid bridge subnet/);
    }
  });
});

describe("plugin configs", () => {
  it("chains bridge with host-local IPAM under the state dir", () => {
    expect(bridgePlugin(network)).toMatchObject({
      type: "bridge",
      bridge: "skiff0",
      isGateway: true,
      hairpinMode: true,
      ipam: { type: "host-local", ranges: [[{ subnet: "10.89.0.0/16" }]], dataDir: "/data/net/ipam" },
    });
  });

  it("passes published ports to portmap as runtimeConfig, hostIP only when one is set", () => {
    const pm = portmapPlugin(network, [
      { containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 8080 },
      { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 5353 },
    ]);
    expect(pm.runtimeConfig).toEqual({
      portMappings: [
        { hostPort: 8080, containerPort: 80, protocol: "tcp" },
        { hostPort: 5353, containerPort: 53, protocol: "udp", hostIP: "127.0.0.1" },
      ],
    });
    expect(pm.snat).toBe(true);
    expect(withPrevResult(pm, { cniVersion: "1.0.0" }).prevResult).toEqual({ cniVersion: "1.0.0" });
  });
});

describe("containerAddress", () => {
  it("reads the container's IPv4, prefix, gateway and MAC from a bridge result", () => {
    expect(
      containerAddress({
        cniVersion: "1.0.0",
        interfaces: [
          { name: "skiff0", mac: "aa:aa:aa:aa:aa:aa" },
          { name: "veth1", mac: "bb:bb:bb:bb:bb:bb" },
          { name: "eth0", mac: "3e:ed:68:68:39:62", sandbox: "/run/skiff/netns/x" },
        ],
        ips: [{ interface: 2, address: "10.89.0.2/16", gateway: "10.89.0.1" }],
      }),
    ).toEqual({ ip: "10.89.0.2", prefixLen: 16, gateway: "10.89.0.1", macAddress: "3e:ed:68:68:39:62" });
    expect(containerAddress({ cniVersion: "1.0.0", ips: [] })).toBeUndefined();
  });
});
