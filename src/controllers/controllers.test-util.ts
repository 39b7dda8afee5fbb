// Test wiring for controllers: a real in-memory ApiRegistry behind the in-process client, a fake
// clock, and helpers to create objects and wait for the controllers to converge.
import { expect } from "vitest";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import { ApiClient } from "../api/registry/client.js";
import type { ApiRegistry } from "../api/registry/registry.js";
import { logger, newRegistry, ns, writeOpts, defs } from "../api/registry/registry.test-util.js";
import type { KubeObject } from "../api/types.js";
import { FakeClock } from "./clock.js";
import type { ControllerContext } from "./controller.js";
import { InformerFactory, Resources } from "./informers.js";

export { logger };

export interface TestCluster {
  registry: ApiRegistry;
  client: ClusterClient;
  clock: FakeClock;
  ctx: ControllerContext;
  pods: ResourceApi;
  api(ref: (typeof Resources)[keyof typeof Resources]): ResourceApi;
  close(): Promise<void>;
}

export async function testCluster(
  o: { namespaces?: string[]; clock?: FakeClock } = {},
): Promise<TestCluster> {
  const { registry } = await newRegistry();
  for (const name of o.namespaces ?? [])
    await registry.create(defs.namespaces, undefined, ns(name), writeOpts());
  // The in-process client gains createSubresource from the API work of this issue.
  const client = new ApiClient(registry, { fieldManager: "test" }) as unknown as ClusterClient;
  const clock = o.clock ?? new FakeClock(new Date());
  const informers = new InformerFactory({ client, logger });
  return {
    registry,
    client,
    clock,
    ctx: { client, informers, logger, clock },
    pods: client.resource(Resources.pods),
    api: (ref) => client.resource(ref),
    async close() {
      informers.stop();
      await registry.close();
    },
  };
}

/** Polls `check` (real time) until it holds, failing the test after ~4 s. */
export async function eventually(check: () => boolean | Promise<boolean>, what = "condition"): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(await check(), what).toBe(true);
}

/** A short real pause, letting informers and workers catch up. */
export function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function podTemplate(
  labels: Record<string, string>,
  extra: Partial<KubeObject> = {},
): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: { containers: [{ name: "c", image: "busybox:1.36" }], ...(extra.spec as object | undefined) },
  };
}

export function node(
  name: string,
  extra: { labels?: Record<string, string>; taints?: unknown[]; ready?: boolean } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...extra.labels } },
    spec: { ...(extra.taints && { taints: extra.taints }) },
    status: {
      conditions: [
        { type: "Ready", status: extra.ready === false ? "False" : "True", reason: "KubeletReady" },
      ],
    },
  };
}

/** Marks `pod` Running and Ready (what the node agent would report), at the clock's time. */
export async function markReady(
  pods: ResourceApi,
  pod: KubeObject,
  at: Date,
  ready = true,
): Promise<KubeObject> {
  const fresh = await pods.get(pod.metadata.namespace, pod.metadata.name as string);
  const t = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  fresh.status = {
    ...(fresh.status as object),
    phase: "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: t }],
  };
  return pods.updateStatus(fresh);
}
