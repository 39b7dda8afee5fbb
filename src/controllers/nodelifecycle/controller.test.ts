import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { rfc3339 } from "../pod-util.js";
import { Resources } from "../informers.js";
import {
  eventually,
  markReady,
  node,
  settle,
  testCluster,
  type TestCluster,
} from "../controllers.test-util.js";
import { NodeLifecycleController } from "./controller.js";

let cluster: TestCluster;
let abort: AbortController;
let run: Promise<void> | undefined;

afterEach(async () => {
  abort?.abort();
  await run;
  run = undefined;
  await cluster?.close();
});

const GRACE = 40_000;
const PERIOD = 5_000;
const UNREACHABLE_300 = {
  key: "node.kubernetes.io/unreachable",
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: 300,
};

async function start(): Promise<void> {
  cluster = await testCluster({ namespaces: ["kube-node-lease"] });
  abort = new AbortController();
  const c = new NodeLifecycleController(cluster.ctx, {
    gracePeriodMs: GRACE,
    monitorPeriodMs: PERIOD,
    orphanPodGraceMs: 10_000,
  });
  run = c.start(abort.signal);
  cluster.ctx.informers.start();
  await cluster.ctx.informers.synced();
}

async function renew(name: string): Promise<void> {
  const leases = cluster.api(Resources.leases);
  const spec = {
    holderIdentity: name,
    leaseDurationSeconds: 40,
    renewTime: cluster.clock.now().toISOString().replace("Z", "000Z"),
  };
  const cur = await leases.find("kube-node-lease", name);
  if (cur) await leases.update({ ...cur, spec });
  else
    await leases.create({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace: "kube-node-lease" },
      spec,
    });
}

/** Moves the clock in monitor periods, letting each pass run, renewing the leases of `alive`. */
async function elapse(ms: number, alive: string[] = []): Promise<void> {
  for (let t = 0; t < ms; t += PERIOD) {
    for (const n of alive) await renew(n);
    await settle(20);
    cluster.clock.advance(PERIOD);
    await settle(30);
  }
}

async function getNode(name: string): Promise<KubeObject> {
  return cluster.api(Resources.nodes).get(undefined, name);
}

const ready = (n: KubeObject) =>
  (
    n.status as { conditions: { type: string; status: string; reason?: string; message?: string }[] }
  ).conditions.find((c) => c.type === "Ready");
const taintKeys = (n: KubeObject) =>
  ((n.spec as { taints?: { key: string; effect: string }[] }).taints ?? []).map(
    (t) => `${t.key}:${t.effect}`,
  );

async function boundPod(name: string, nodeName: string, tolerations: unknown[] = []): Promise<KubeObject> {
  const p = await cluster.pods.create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName, tolerations, containers: [{ name: "c", image: "busybox:1.36" }] },
  });
  return markReady(cluster.pods, p, cluster.clock.now());
}

describe("NodeLifecycleController", () => {
  it("marks a node whose lease stopped Unknown, taints it and its pods not Ready; untaints it when it is back", async () => {
    await start();
    await cluster.api(Resources.nodes).create(node("alive"));
    await cluster.api(Resources.nodes).create(node("lost"));
    await renew("alive");
    await renew("lost");
    await boundPod("web", "lost", [UNREACHABLE_300]);
    await elapse(GRACE - PERIOD, ["alive", "lost"]);
    await elapse(GRACE - PERIOD, ["alive"]);
    expect(ready(await getNode("lost"))?.status).toBe("True");
    await elapse(2 * PERIOD, ["alive"]);
    await eventually(async () => ready(await getNode("lost"))?.status === "Unknown", "lost is Unknown");
    expect(ready(await getNode("lost"))).toMatchObject({
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    });
    await eventually(async () => taintKeys(await getNode("lost")).length === 2, "lost is tainted");
    expect(taintKeys(await getNode("lost"))).toEqual([
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/unreachable:NoSchedule",
    ]);
    expect(ready(await getNode("alive"))?.status).toBe("True");
    expect(taintKeys(await getNode("alive"))).toEqual([]);
    await eventually(
      async () => ready(await cluster.pods.get("default", "web"))?.status === "False",
      "pod not ready",
    );
    // the agent is back: it renews and posts Ready
    const back = await getNode("lost");
    (back.status as { conditions: unknown[] }).conditions = [
      {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        lastHeartbeatTime: rfc3339(cluster.clock.now()),
      },
    ];
    await cluster.api(Resources.nodes).updateStatus(back);
    await elapse(PERIOD, ["alive", "lost"]);
    await eventually(async () => taintKeys(await getNode("lost")).length === 0, "untainted");
  });

  it("evicts pods after their toleration seconds (the API server's default 300 s included); untolerating pods at once; tolerating ones never", async () => {
    await start();
    await cluster.api(Resources.nodes).create(node("lost"));
    await cluster.api(Resources.nodes).create(node("drained"));
    await renew("drained");
    await boundPod("tolerates-300", "lost", [UNREACHABLE_300]);
    await boundPod("defaulted", "lost");
    await boundPod("tolerates-forever", "lost", [{ operator: "Exists" }]);
    await boundPod("no-toleration", "drained");
    await boundPod("tolerates-maintenance", "drained", [{ key: "maintenance", operator: "Exists" }]);
    await cluster.api(Resources.nodes).patch(undefined, "drained", "merge", {
      spec: { taints: [{ key: "maintenance", effect: "NoExecute" }] },
    });
    const gone = async (name: string) =>
      (await cluster.pods.get("default", name)).metadata.deletionTimestamp !== undefined;
    await eventually(() => gone("no-toleration"), "untolerating pod evicted");
    const evicted = await cluster.pods.get("default", "no-toleration");
    expect(
      (evicted.status as { conditions: { type: string; reason?: string }[] }).conditions.find(
        (c) => c.type === "DisruptionTarget",
      )?.reason,
    ).toBe("DeletionByTaintManager");
    await settle(50);
    expect(await gone("tolerates-maintenance")).toBe(false);
    await elapse(GRACE + 2 * PERIOD, ["drained"]);
    await eventually(async () => taintKeys(await getNode("lost")).length === 2, "tainted");
    expect(await gone("tolerates-300")).toBe(false);
    expect(await gone("defaulted")).toBe(false);
    cluster.clock.advance(290_000);
    await settle(50);
    expect(await gone("tolerates-300")).toBe(false);
    cluster.clock.advance(15_000);
    await eventually(() => gone("tolerates-300"), "evicted after 300 s");
    await eventually(() => gone("defaulted"), "default toleration ran out");
    expect(await gone("tolerates-forever")).toBe(false);
  });

  it("taints cordoned nodes unschedulable at once and deletes pods of nodes that are gone", async () => {
    await start();
    await cluster.api(Resources.nodes).create(node("n1"));
    await renew("n1");
    await elapse(PERIOD, ["n1"]);
    // No monitor pass in between: the cordon and the uncordon are followed from the node's events.
    const cordon = (unschedulable: boolean) =>
      cluster.api(Resources.nodes).patch(undefined, "n1", "merge", { spec: { unschedulable } });
    const cordoned = async () =>
      taintKeys(await getNode("n1")).includes("node.kubernetes.io/unschedulable:NoSchedule");
    await cordon(true);
    await eventually(cordoned, "cordon taint");
    await cordon(false);
    await eventually(async () => !(await cordoned()), "cordon taint removed");
    await cordon(true);
    await eventually(cordoned, "cordon taint again");
    await boundPod("stray", "vanished", [{ operator: "Exists" }]);
    await elapse(PERIOD, ["n1"]);
    expect(await cluster.pods.find("default", "stray")).toBeDefined();
    await elapse(3 * PERIOD, ["n1"]);
    await eventually(
      async () => (await cluster.pods.find("default", "stray")) === undefined,
      "orphan collected",
    );
  });
});
