import { afterEach, describe, expect, it } from "vitest";
import type { Informer } from "../../api/registry/informer.js";
import type { KubeObject } from "../../api/types.js";
import { ControllerEvents } from "../events.js";
import { Expectations } from "../expectations.js";
import { Resources } from "../informers.js";
import {
  eventually,
  logger,
  markReady,
  podTemplate,
  settle,
  testCluster,
  type TestCluster,
} from "../controllers.test-util.js";
import { WorkQueue } from "../workqueue.js";
import { ReplicaSetController } from "./controller.js";
import { syncReplicaSet } from "./sync.js";

let cluster: TestCluster;
let abort: AbortController;
let run: Promise<void> | undefined;

afterEach(async () => {
  abort?.abort();
  await run;
  run = undefined;
  await cluster?.close();
});

function replicaSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...extra,
    },
  };
}

async function start(): Promise<ReplicaSetController> {
  cluster = await testCluster();
  const c = new ReplicaSetController(cluster.ctx);
  abort = new AbortController();
  run = c.start(abort.signal);
  cluster.ctx.informers.start();
  return c;
}

async function podsOf(rs: string): Promise<KubeObject[]> {
  return (await cluster.pods.list("default", { labelSelector: `app=${rs}` })).items;
}

async function rsStatus(name: string): Promise<Record<string, unknown>> {
  return ((await cluster.api(Resources.replicaSets).get("default", name)).status ?? {}) as Record<
    string,
    unknown
  >;
}

describe("ReplicaSetController", () => {
  it("creates spec.replicas pods from the template, owned by the ReplicaSet, and reports status", async () => {
    await start();
    const rs = await cluster.api(Resources.replicaSets).create(replicaSet("web", 3));
    await eventually(async () => (await podsOf("web")).length === 3, "3 pods");
    const pods = await podsOf("web");
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web",
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    await eventually(async () => (await rsStatus("web")).replicas === 3, "status.replicas");
    expect(await rsStatus("web")).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 1,
    });
    for (const p of pods) await markReady(cluster.pods, p, cluster.clock.now());
    await eventually(async () => (await rsStatus("web")).availableReplicas === 3, "available");
    await settle();
    expect(await podsOf("web")).toHaveLength(3);
  });

  it("scales down deleting not-ready pods first, and up again", async () => {
    await start();
    const rsApi = cluster.api(Resources.replicaSets);
    await rsApi.create(replicaSet("web", 3));
    await eventually(async () => (await podsOf("web")).length === 3);
    const [p1, p2] = await podsOf("web");
    await markReady(cluster.pods, p1 as KubeObject, cluster.clock.now());
    await markReady(cluster.pods, p2 as KubeObject, cluster.clock.now());
    await rsApi.patch("default", "web", "merge", { spec: { replicas: 2 } });
    await eventually(async () => (await podsOf("web")).length === 2, "scaled to 2");
    expect((await podsOf("web")).map((p) => p.metadata.name).sort()).toEqual(
      [p1, p2].map((p) => p?.metadata.name).sort(),
    );
    await rsApi.patch("default", "web", "merge", { spec: { replicas: 5 } });
    await eventually(async () => (await podsOf("web")).length === 5, "scaled to 5");
    await eventually(async () => (await rsStatus("web")).observedGeneration === 3, "observedGeneration");
    // Each pod created or deleted is an event on the ReplicaSet, in k8s' words.
    const events = async () =>
      (await cluster.api(Resources.events).list("default")).items.filter(
        (e) => (e["involvedObject"] as { kind?: string; name?: string }).name === "web",
      );
    await eventually(async () => (await events()).length === 7, "6 creations and 1 deletion as events");
    const texts = (await events()).map((e) => `${String(e["reason"])}: ${String(e["message"])}`);
    expect(texts.filter((t) => t.startsWith("SuccessfulCreate: Created pod: web-"))).toHaveLength(6);
    expect(texts.filter((t) => t.startsWith("SuccessfulDelete: Deleted pod: web-"))).toHaveLength(1);
    expect((await events())[0]).toMatchObject({
      type: "Normal",
      involvedObject: { kind: "ReplicaSet", name: "web" },
      source: { component: "replicaset-controller" },
    });
  });

  it("replaces a deleted pod, and one that is being deleted gracefully", async () => {
    await start();
    await cluster.api(Resources.replicaSets).create(replicaSet("web", 2));
    await eventually(async () => (await podsOf("web")).length === 2);
    const [a, b] = await podsOf("web");
    await cluster.pods.delete("default", a?.metadata.name ?? "");
    // b is bound to a node: deletion only marks it (the node agent would remove it)
    await cluster.pods.patch("default", b?.metadata.name ?? "", "merge", { spec: { nodeName: "n1" } });
    await cluster.pods.delete("default", b?.metadata.name ?? "");
    await eventually(
      async () => (await podsOf("web")).filter((p) => !p.metadata.deletionTimestamp).length === 2,
      "2 live replacements",
    );
    const all = await podsOf("web");
    expect(all).toHaveLength(3);
    expect(all.some((p) => p.metadata.name === b?.metadata.name && p.metadata.deletionTimestamp)).toBe(true);
  });

  it("deletes and replaces failed pods", async () => {
    await start();
    await cluster.api(Resources.replicaSets).create(replicaSet("job", 1));
    await eventually(async () => (await podsOf("job")).length === 1);
    const [p] = await podsOf("job");
    const failed = { ...(p as KubeObject), status: { phase: "Failed", reason: "Evicted" } };
    await cluster.pods.updateStatus(failed);
    await eventually(async () => {
      const pods = await podsOf("job");
      return pods.length === 1 && pods[0]?.metadata.name !== p?.metadata.name;
    }, "failed pod replaced");
  });

  it("adopts matching orphans and releases pods that stop matching", async () => {
    await start();
    const orphan: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "orphan", namespace: "default", labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
    };
    await cluster.pods.create(orphan);
    const rs = await cluster.api(Resources.replicaSets).create(replicaSet("web", 2));
    await eventually(async () => (await podsOf("web")).length === 2, "adopted + 1 created");
    const adopted = await cluster.pods.get("default", "orphan");
    expect(adopted.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid);
    await cluster.pods.patch("default", "orphan", "merge", { metadata: { labels: { app: "other" } } });
    await eventually(
      async () => (await cluster.pods.get("default", "orphan")).metadata.ownerReferences === undefined,
      "released",
    );
    await eventually(async () => (await podsOf("web")).length === 2, "replacement for the released pod");
  });

  it("does not create twice while its cache lags (expectations)", async () => {
    cluster = await testCluster();
    const rsApi = cluster.api(Resources.replicaSets);
    await rsApi.create(replicaSet("web", 4));
    const rsInformer = cluster.ctx.informers.informer(Resources.replicaSets);
    cluster.ctx.informers.start();
    await cluster.ctx.informers.synced();
    const frozenPods = { items: () => [], get: () => undefined } as unknown as Informer;
    const expectations = new Expectations({ clock: cluster.clock });
    const d = {
      replicaSets: rsApi,
      pods: cluster.pods,
      rsInformer,
      podInformer: frozenPods,
      expectations,
      queue: new WorkQueue({ clock: cluster.clock }),
      events: new ControllerEvents({
        client: cluster.ctx.client,
        component: "replicaset-controller",
        clock: cluster.clock,
        logger,
      }),
      clock: cluster.clock,
      logger,
      burstReplicas: 500,
    };
    await syncReplicaSet(d, "default/web");
    await syncReplicaSet(d, "default/web");
    expect(await podsOf("web")).toHaveLength(4);
    expect(expectations.pending("default/web")).toEqual({ add: 4, del: 0 });
    for (let i = 0; i < 4; i++) expectations.creationObserved("default/web");
    expect(expectations.satisfied("default/web")).toBe(true);
  });

  it("counts a ready pod available only after minReadySeconds on the clock", async () => {
    await start();
    await cluster.api(Resources.replicaSets).create(replicaSet("web", 1, { minReadySeconds: 30 }));
    await eventually(async () => (await podsOf("web")).length === 1);
    const [p] = await podsOf("web");
    await markReady(cluster.pods, p as KubeObject, cluster.clock.now());
    await eventually(async () => (await rsStatus("web")).readyReplicas === 1, "ready");
    await settle();
    expect((await rsStatus("web")).availableReplicas).toBe(0);
    cluster.clock.advance(31_000);
    await eventually(async () => (await rsStatus("web")).availableReplicas === 1, "available after 30 s");
  });
});
