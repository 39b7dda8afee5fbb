import { describe, expect, it } from "vitest";
import type { ClusterClient } from "../api/client/cluster.js";
import { ApiClient } from "../api/registry/client.js";
import { logger, newRegistry, ns } from "../api/registry/registry.test-util.js";
import { clusterRegistry } from "../agent/cluster-registry.js";
import { advertisedRegistryHosts, startNodeRegistrySecret } from "./node-registry-secret.js";

async function cluster(): Promise<ClusterClient> {
  const { registry } = await newRegistry();
  const client = new ApiClient(registry) as ClusterClient;
  await client.resource({ apiVersion: "v1", kind: "Namespace" }).create(ns("kube-system"));
  return client;
}

describe("the nodes' registry credential", () => {
  it("advertises the listen address, or the node IP when the registry listens everywhere", () => {
    expect(advertisedRegistryHosts("http://10.0.0.5:5000", "10.0.0.9")).toEqual(["10.0.0.5:5000"]);
    expect(advertisedRegistryHosts("http://0.0.0.0:5000", "10.0.0.9")).toEqual(["10.0.0.9:5000"]);
    expect(advertisedRegistryHosts("http://[::]:5000", "10.0.0.9")).toEqual(["10.0.0.9:5000"]);
  });

  it("is published, replaced on renewal, and read by a node for its hosts only", async () => {
    const client = await cluster();
    let n = 0;
    const publisher = await startNodeRegistrySecret({
      client,
      hosts: ["10.0.0.5:5000"],
      token: () => Promise.resolve(`token-${++n}`),
      logger,
    });
    publisher.close();
    let now = 0;
    const own = await clusterRegistry(client, () => now);
    expect(own.hosts).toEqual(["10.0.0.5:5000"]);
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } };
    expect(await own.credentialsFor("10.0.0.5:5000", pod)).toEqual({
      username: "skiff-nodes",
      password: "token-1",
    });
    expect(await own.credentialsFor("registry.example.com", pod)).toBeUndefined();

    (
      await startNodeRegistrySecret({
        client,
        hosts: ["10.0.0.5:5000"],
        token: async () => "token-2",
        logger,
      })
    ).close();
    expect((await own.credentialsFor("10.0.0.5:5000", pod))?.password).toBe("token-1"); // cached
    now = 11 * 60 * 1000;
    expect((await own.credentialsFor("10.0.0.5:5000", pod))?.password).toBe("token-2");
  });

  it("adds nothing when the server publishes no credential", async () => {
    const own = await clusterRegistry(await cluster());
    expect(own.hosts).toEqual([]);
    expect(
      await own.credentialsFor("10.0.0.5:5000", { apiVersion: "v1", kind: "Pod", metadata: {} }),
    ).toBeUndefined();
  });
});
