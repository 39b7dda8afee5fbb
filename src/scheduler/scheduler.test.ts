import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.js";
import type { KubeObject } from "../api/types.js";
import { FakeCluster } from "./fake-cluster.test-util.js";
import { nodeObject, podObject, type PodOptions } from "./fixtures.test-util.js";
import { Scheduler } from "./scheduler.js";

const logger = pino({ level: "silent" });
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function start(cluster: FakeCluster, o: { initialBackoffMs?: number } = {}): Promise<Scheduler> {
  const abort = new AbortController();
  const scheduler = new Scheduler({ client: cluster, logger, random: () => 0.5, ...o });
  await scheduler.start(abort.signal);
  stops.push(async () => {
    abort.abort();
    await scheduler.closed();
  });
  return scheduler;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect.fail(`timed out waiting for ${what}`);
}

const nodeOf = (p: KubeObject): string => (p["spec"] as { nodeName?: string }).nodeName ?? "";
const condition = (p: KubeObject) =>
  ((p["status"] as { conditions?: Record<string, unknown>[] }).conditions ?? []).find(
    (c) => c["type"] === "PodScheduled",
  );

async function pods(cluster: FakeCluster): Promise<KubeObject[]> {
  return (await cluster.pods.list()).items;
}

async function addPods(cluster: FakeCluster, n: number, o: PodOptions = {}, prefix = "p"): Promise<void> {
  for (let i = 0; i < n; i++) await cluster.pods.create(podObject(`${prefix}${i}`, o));
}

describe("Scheduler", () => {
  it("binds pending pods, spreading them by least allocation", async () => {
    const cluster = new FakeCluster();
    for (const n of ["n1", "n2", "n3"]) await cluster.nodes.create(nodeObject(n));
    await start(cluster);
    await addPods(cluster, 6, { cpu: "1", memory: "1Gi" });
    await eventually(async () => (await pods(cluster)).every((p) => nodeOf(p) !== ""), "all pods bound");
    const perNode = new Map<string, number>();
    for (const p of await pods(cluster)) perNode.set(nodeOf(p), (perNode.get(nodeOf(p)) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([2, 2, 2]);
    const bindings = cluster.calls.filter((c) => c.verb === "binding");
    expect(bindings[0]?.body).toMatchObject({
      kind: "Binding",
      metadata: { name: "p0", namespace: "default", uid: "uid-p0" },
      target: { kind: "Node", name: expect.any(String) },
    });
    await eventually(async () => (await cluster.events.list()).items.length === 6, "Scheduled events");
    const event = (await cluster.events.list()).items[0] as KubeObject;
    expect(event).toMatchObject({
      type: "Normal",
      reason: "Scheduled",
      source: { component: "default-scheduler" },
      involvedObject: { kind: "Pod", namespace: "default" },
    });
    expect(String(event["message"])).toMatch(/^Successfully assigned default\/p\d to n\d$/);
  });

  it("does not overcommit a node in a burst; the rest are Unschedulable in Kubernetes' words", async () => {
    const cluster = new FakeCluster();
    for (const n of ["n1", "n2"]) await cluster.nodes.create(nodeObject(n, { cpu: "2" }));
    await addPods(cluster, 6, { cpu: "1" });
    await start(cluster);
    const message = "0/2 nodes are available: 2 Insufficient cpu.";
    await eventually(
      async () => (await pods(cluster)).filter((p) => condition(p)?.["message"] === message).length === 2,
      "two pods Unschedulable",
    );
    expect((await pods(cluster)).filter((p) => nodeOf(p) !== "").length).toBe(4);
    const pending = (await pods(cluster)).find((p) => nodeOf(p) === "") as KubeObject;
    expect(condition(pending)).toMatchObject({ status: "False", reason: "Unschedulable", message });
    await eventually(
      async () =>
        (await cluster.events.list()).items.filter((e) => e["reason"] === "FailedScheduling").length === 2,
      "FailedScheduling events",
    );
    const failed = (await cluster.events.list()).items.find((e) => e["reason"] === "FailedScheduling");
    expect(failed).toMatchObject({
      type: "Warning",
      message,
      count: 1,
      reportingComponent: "default-scheduler",
    });
  });

  it("retries a parked pod when a node is added, and when a bound pod is deleted", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1", { cpu: "1" }));
    await start(cluster);
    await addPods(cluster, 2, { cpu: "1" });
    await eventually(
      async () => (await pods(cluster)).some((p) => condition(p)?.["status"] === "False"),
      "parked",
    );
    const pending = (await pods(cluster)).find((p) => nodeOf(p) === "") as KubeObject;
    const bound = (await pods(cluster)).find((p) => nodeOf(p) !== "") as KubeObject;
    await cluster.pods.delete("default", bound.metadata.name ?? "");
    await eventually(
      async () => nodeOf(await cluster.pods.get("default", pending.metadata.name ?? "")) === "n1",
      "rebound",
    );

    await addPods(cluster, 1, { cpu: "1" }, "late");
    await eventually(
      async () => condition(await cluster.pods.get("default", "late0"))?.["status"] === "False",
      "late parked",
    );
    await cluster.nodes.create(nodeObject("n2", { cpu: "1" }));
    await eventually(
      async () => nodeOf(await cluster.pods.get("default", "late0")) === "n2",
      "late bound to the new node",
    );
    expect(condition(await cluster.pods.get("default", "late0"))).toMatchObject({ status: "True" });
  });

  it("aggregates repeated FailedScheduling events into one with a count", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1", { labels: { zone: "a" } }));
    await start(cluster, { initialBackoffMs: 1 });
    await addPods(cluster, 1, { nodeSelector: { zone: "b" } });
    const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
    const failed = async () =>
      (await cluster.events.list()).items.filter((e) => e["reason"] === "FailedScheduling");
    await eventually(async () => (await failed()).length === 1, "first event");
    // A bound pod deleted retries every parked pod.
    await cluster.pods.create(podObject("bound", { nodeName: "n1" }));
    await eventually(async () => (await cluster.pods.get("default", "bound")) !== undefined, "bound pod");
    await new Promise((r) => setTimeout(r, 50));
    await cluster.pods.delete("default", "bound");
    await eventually(async () => (await failed())[0]?.["count"] === 2, "count 2");
    expect(await failed()).toHaveLength(1);
    expect((await failed())[0]).toMatchObject({ message });
    await cluster.nodes.update(nodeObject("n1", { labels: { zone: "b" } }));
    await eventually(
      async () => nodeOf(await cluster.pods.get("default", "p0")) === "n1",
      "bound after relabel",
    );
  });

  it("retries a parked pod on a node change only when the pod fits the changed node", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1", { unschedulable: true }));
    await start(cluster, { initialBackoffMs: 1 });
    await addPods(cluster, 1);
    const failed = async () =>
      (await cluster.events.list()).items.find((e) => e["reason"] === "FailedScheduling")?.["count"];
    await eventually(async () => (await failed()) === 1, "parked");
    // The cordon's taint lands, then the cordon goes but the taint stays: nothing to retry.
    const taints = [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }];
    await cluster.nodes.update(nodeObject("n1", { unschedulable: true, taints }));
    await cluster.nodes.update(nodeObject("n1", { taints }));
    await new Promise((r) => setTimeout(r, 100));
    expect(await failed()).toBe(1);
    expect(nodeOf(await cluster.pods.get("default", "p0"))).toBe("");
    // The taint goes: the pod fits and is bound.
    await cluster.nodes.update(nodeObject("n1"));
    await eventually(async () => nodeOf(await cluster.pods.get("default", "p0")) === "n1", "bound");
  });

  it("retries a failed binding after back-off, counting the pod nowhere meanwhile", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1"));
    let refusals = 1;
    cluster.refuseBinding = () =>
      refusals-- > 0 ? new ApiError("InternalError", "etcd unavailable") : undefined;
    const scheduler = await start(cluster, { initialBackoffMs: 20 });
    await addPods(cluster, 1);
    await eventually(async () => nodeOf(await cluster.pods.get("default", "p0")) === "n1", "bound on retry");
    expect(cluster.calls.filter((c) => c.verb === "binding")).toHaveLength(2);
    expect(scheduler.stats).toMatchObject({ scheduled: 1, errors: 1 });
  });

  it("leaves pods of other schedulers, bound pods and pods being deleted alone", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1"));
    await cluster.pods.create(podObject("other", { schedulerName: "my-scheduler" }));
    await cluster.pods.create(podObject("pinned", { nodeName: "n1" }));
    const deleting = podObject("deleting");
    deleting.metadata.deletionTimestamp = new Date().toISOString();
    await cluster.pods.create(deleting);
    await start(cluster);
    await addPods(cluster, 1);
    await eventually(async () => nodeOf(await cluster.pods.get("default", "p0")) === "n1", "own pod bound");
    expect(cluster.calls.filter((c) => c.verb === "binding").map((c) => c.name)).toEqual(["p0"]);
  });

  it("counts pods already bound when it starts", async () => {
    const cluster = new FakeCluster();
    await cluster.nodes.create(nodeObject("n1", { cpu: "2" }));
    await cluster.pods.create(podObject("running", { cpu: "2", nodeName: "n1", phase: "Running" }));
    await cluster.pods.create(podObject("done", { cpu: "2", nodeName: "n1", phase: "Succeeded" }));
    await start(cluster);
    await addPods(cluster, 1, { cpu: "1" });
    await eventually(
      async () =>
        condition(await cluster.pods.get("default", "p0"))?.["message"] ===
        "0/1 nodes are available: 1 Insufficient cpu.",
      "Insufficient cpu",
    );
  });
});
