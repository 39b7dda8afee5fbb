import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { Resources } from "../informers.js";
import {
  eventually,
  markReady,
  node,
  podTemplate,
  settle,
  testCluster,
  type TestCluster,
} from "../controllers.test-util.js";
import { DaemonSetController } from "./controller.js";
import { daemonPodNode } from "./placement.js";

let cluster: TestCluster;
let abort: AbortController;
let run: Promise<void> | undefined;

afterEach(async () => {
  abort?.abort();
  await run;
  run = undefined;
  await cluster?.close();
});

function daemonSet(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: { selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }), ...extra },
  };
}

async function start(nodes: KubeObject[]): Promise<void> {
  cluster = await testCluster();
  for (const n of nodes) await cluster.api(Resources.nodes).create(n);
  abort = new AbortController();
  run = new DaemonSetController(cluster.ctx).start(abort.signal);
  cluster.ctx.informers.start();
}

async function live(app: string): Promise<KubeObject[]> {
  const items = (await cluster.pods.list("default", { labelSelector: `app=${app}` })).items;
  return items.filter((p) => !p.metadata.deletionTimestamp);
}

const nodesOf = (pods: KubeObject[]) => pods.map(daemonPodNode).sort();

async function status(name: string): Promise<Record<string, unknown>> {
  return ((await cluster.api(Resources.daemonSets).get("default", name)).status ?? {}) as Record<
    string,
    unknown
  >;
}

/** What the scheduler and node agent would do: bind each pod to its pinned node and report it Ready. */
async function runPods(app: string): Promise<void> {
  for (const p of await live(app)) {
    if ((p.spec as { nodeName?: string }).nodeName) continue;
    const bound = await cluster.pods.patch("default", p.metadata.name ?? "", "merge", {
      spec: { nodeName: daemonPodNode(p) },
    });
    await markReady(cluster.pods, bound, cluster.clock.now());
  }
}

async function terminating(app: string): Promise<KubeObject[]> {
  const items = (await cluster.pods.list("default", { labelSelector: `app=${app}` })).items;
  return items.filter((p) => p.metadata.deletionTimestamp);
}

/** What the node agent does once a deleted pod's containers have stopped: the pod goes away. */
async function finishTerminating(app: string): Promise<void> {
  for (const p of await terminating(app)) {
    await cluster.pods.delete("default", p.metadata.name ?? "", { gracePeriodSeconds: 0 });
  }
}

describe("DaemonSetController", () => {
  it("runs one pod per eligible node and reports status", async () => {
    await start([
      node("n1"),
      node("n2", { labels: { role: "edge" } }),
      node("n3", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }),
    ]);
    await cluster.api(Resources.daemonSets).create(daemonSet("agent"));
    await eventually(async () => (await live("agent")).length === 2, "2 daemon pods");
    expect(nodesOf(await live("agent"))).toEqual(["n1", "n2"]);
    await eventually(async () => (await status("agent")).currentNumberScheduled === 2, "status");
    expect(await status("agent")).toMatchObject({
      desiredNumberScheduled: 2,
      numberReady: 0,
      updatedNumberScheduled: 2,
      observedGeneration: 1,
    });
    await runPods("agent");
    await eventually(async () => (await status("agent")).numberAvailable === 2, "available");
    await settle();
    expect(await live("agent")).toHaveLength(2);
    const events = (await cluster.api(Resources.events).list("default")).items;
    expect(events.map((e) => `${String(e["reason"])}: ${String(e["message"])}`).sort()).toEqual(
      (await live("agent")).map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort(),
    );
  });

  it("follows node changes: new nodes get a pod, NoExecute-tainted and deleted nodes lose theirs", async () => {
    await start([node("n1")]);
    await cluster.api(Resources.daemonSets).create(
      daemonSet("agent", {
        template: podTemplate({ app: "agent" }),
        selector: { matchLabels: { app: "agent" } },
      }),
    );
    await eventually(async () => (await live("agent")).length === 1);
    await cluster.api(Resources.nodes).create(node("n2"));
    await eventually(async () => (await live("agent")).length === 2, "pod on the new node");
    await cluster
      .api(Resources.nodes)
      .patch(undefined, "n1", "merge", { spec: { taints: [{ key: "maintenance", effect: "NoExecute" }] } });
    await eventually(
      async () => JSON.stringify(nodesOf(await live("agent"))) === '["n2"]',
      "pod gone from the tainted node",
    );
    await cluster.api(Resources.nodes).delete(undefined, "n2");
    await eventually(async () => (await live("agent")).length === 0, "pod gone with its node");
  });

  it("honours the nodeSelector", async () => {
    await start([node("n1", { labels: { disk: "ssd" } }), node("n2")]);
    const tpl = podTemplate({ app: "agent" });
    (tpl.spec as Record<string, unknown>).nodeSelector = { disk: "ssd" };
    await cluster.api(Resources.daemonSets).create(daemonSet("agent", { template: tpl }));
    await eventually(async () => (await live("agent")).length === 1);
    expect(nodesOf(await live("agent"))).toEqual(["n1"]);
    await cluster
      .api(Resources.nodes)
      .patch(undefined, "n2", "merge", { metadata: { labels: { disk: "ssd" } } });
    await eventually(async () => (await live("agent")).length === 2, "n2 now selected");
  });

  it("rolls a template change out one node at a time, waiting for the new pod to be ready", async () => {
    await start([node("n1"), node("n2"), node("n3")]);
    const dsApi = cluster.api(Resources.daemonSets);
    await dsApi.create(daemonSet("agent"));
    await eventually(async () => (await live("agent")).length === 3);
    await runPods("agent");
    await eventually(async () => (await status("agent")).numberAvailable === 3);
    const oldHash = (await live("agent"))[0]?.metadata.labels?.["controller-revision-hash"];
    const tpl = podTemplate({ app: "agent" });
    (tpl.spec as { containers: { image: string }[] }).containers[0] = {
      name: "c",
      image: "busybox:1.37",
    } as never;
    await dsApi.patch("default", "agent", "merge", { spec: { template: tpl } });
    const updated = async () =>
      (await live("agent")).filter((p) => p.metadata.labels?.["controller-revision-hash"] !== oldHash);
    for (let round = 1; round <= 3; round++) {
      // The old pod is deleted first; its replacement waits until it is gone (no surge).
      await eventually(
        async () => (await terminating("agent")).length === 1,
        `round ${round}: old pod deleted`,
      );
      await settle(150);
      expect(await updated()).toHaveLength(round - 1);
      await finishTerminating("agent");
      await eventually(async () => (await updated()).length === round, `round ${round}: one new pod`);
      await settle(150);
      // never more than one node without an available pod
      const pods = await live("agent");
      expect(pods.filter((p) => p.metadata.labels?.["controller-revision-hash"] !== oldHash)).toHaveLength(
        round,
      );
      expect(pods.length).toBeGreaterThanOrEqual(2);
      await runPods("agent");
    }
    await eventually(
      async () =>
        (await status("agent")).updatedNumberScheduled === 3 && (await status("agent")).numberAvailable === 3,
      "rolled out",
    );
    expect(await status("agent")).toMatchObject({ observedGeneration: 2, desiredNumberScheduled: 3 });
  });
  it("surges with maxSurge: a node's new pod starts beside the old one, which goes once it is ready", async () => {
    await start([node("n1"), node("n2")]);
    const dsApi = cluster.api(Resources.daemonSets);
    await dsApi.create(
      daemonSet("agent", {
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      }),
    );
    await eventually(async () => (await live("agent")).length === 2);
    await runPods("agent");
    await eventually(async () => (await status("agent")).numberAvailable === 2);
    const oldHash = (await live("agent"))[0]?.metadata.labels?.["controller-revision-hash"];
    const tpl = podTemplate({ app: "agent" });
    (tpl.spec as { containers: unknown[] }).containers = [{ name: "c", image: "busybox:1.37" }];
    await dsApi.patch("default", "agent", "merge", { spec: { template: tpl } });
    const fresh = async () =>
      (await live("agent")).filter((p) => p.metadata.labels?.["controller-revision-hash"] !== oldHash);
    for (let round = 1; round <= 2; round++) {
      await eventually(async () => (await fresh()).length === round, `round ${round}: a surge pod`);
      await settle(150);
      // One surge at a time, and the old pod beside it stays while the new one is not ready.
      expect(await live("agent")).toHaveLength(3);
      expect(await terminating("agent")).toHaveLength(0);
      await runPods("agent");
      await eventually(async () => (await terminating("agent")).length === 1, `round ${round}: old pod goes`);
      await finishTerminating("agent");
    }
    await eventually(async () => (await status("agent")).updatedNumberScheduled === 2, "rolled out");
    expect(nodesOf(await live("agent"))).toEqual(["n1", "n2"]);
  });
});
