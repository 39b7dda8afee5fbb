// Test wiring for the agent: a real in-memory ApiRegistry behind the in-process client, a fake
// runtime and a fake clock, and helpers to wait for the cluster to reach a state.
import type { ClusterClient } from "../api/client/cluster.js";
import { ApiClient } from "../api/registry/client.js";
import { logger, newRegistry, ns } from "../api/registry/registry.test-util.js";
import type { KubeObject } from "../api/types.js";
import { startNodeAgent, type NodeAgent } from "./agent.js";
import { FakeClock, settle } from "./clock.test-util.js";
import { FakeRuntime } from "./fake-runtime.test-util.js";
import type { Machine } from "./machine.js";

export const testMachine: Machine = {
  facts: () => ({
    cpus: 4,
    memoryBytes: 8 * 1024 ** 3,
    storageBytes: 100 * 1024 ** 3,
    machineID: "m1",
    systemUUID: "u1",
    bootID: "b1",
    kernelVersion: "6.1.0",
    osImage: "Debian GNU/Linux 12 (bookworm)",
    architecture: "amd64",
    hostname: "host",
  }),
  pressure: () => ({ memory: false, disk: false, pid: false }),
};

export interface Harness {
  client: ClusterClient;
  clock: FakeClock;
  runtime: FakeRuntime;
  agent: NodeAgent;
  startAgent(): Promise<NodeAgent>;
  pod(name: string): Promise<KubeObject | undefined>;
  create(pod: KubeObject): Promise<KubeObject>;
  close(): Promise<void>;
}

export async function harness(nodeName = "node-1"): Promise<Harness> {
  const { registry } = await newRegistry();
  const client = new ApiClient(registry) as ClusterClient;
  await client.resource({ apiVersion: "v1", kind: "Namespace" }).create(ns("kube-node-lease"));
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = client.resource({ apiVersion: "v1", kind: "Pod" });
  const startAgent = () =>
    startNodeAgent({
      client,
      runtime,
      nodeName,
      nodeIP: "192.168.1.10",
      logger,
      clock,
      machine: testMachine,
    });
  const h: Harness = {
    client,
    clock,
    runtime,
    agent: await startAgent(),
    startAgent,
    pod: (name) => pods.find("default", name),
    create: (pod) => pods.create({ ...pod, metadata: { namespace: "default", ...pod.metadata } }),
    close: () => h.agent.close(),
  };
  return h;
}

/** Waits (in real time, letting promises run) until `check` answers a value other than undefined/false. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle();
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function podSpec(name: string, spec: Record<string, unknown>, nodeName = "node-1"): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName, ...spec } };
}

export function statusOf(pod: KubeObject | undefined): Record<string, unknown> {
  return (pod?.status ?? {}) as Record<string, unknown>;
}
