// The Deployment and ReplicaSet controllers together over one registry: pods are created by
// the ReplicaSet controller and made Ready here (no kubelet in unit tests).
import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { eventually, markReady, settle, testCluster, type TestCluster } from "../controllers.test-util.js";
import { Resources } from "../informers.js";
import { isPodAvailable } from "../pod-util.js";
import { ReplicaSetController } from "../replicaset/controller.js";
import { DeploymentController } from "./controller.js";
import { deploymentObject } from "./deployment.test-util.js";

let cluster: TestCluster | undefined;
let abort: AbortController | undefined;
let runs: Promise<void>[] = [];
afterEach(async () => {
  abort?.abort();
  await Promise.all(runs);
  await cluster?.close();
});

async function start(): Promise<TestCluster> {
  cluster = await testCluster();
  abort = new AbortController();
  runs = [new DeploymentController(cluster.ctx), new ReplicaSetController(cluster.ctx)].map((c) =>
    c.start((abort as AbortController).signal),
  );
  cluster.ctx.informers.start();
  await cluster.ctx.informers.synced();
  return cluster;
}

const image = (p: KubeObject): string =>
  (p.spec as { containers: { image: string }[] }).containers[0]?.image ?? "";

describe("Deployment with the ReplicaSet controller", () => {
  it("rolls out on pod readiness and minReadySeconds, never below replicas - maxUnavailable", async () => {
    const c = await start();
    const deployments = c.api(Resources.deployments);
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await deployments.create(
      deploymentObject("web", { replicas: 3, strategy, extraSpec: { minReadySeconds: 5 } }),
    );

    const livePods = async () =>
      (await c.pods.list("default")).items.filter((p) => p.metadata.deletionTimestamp === undefined);
    /** Marks every live pod Ready, lets minReadySeconds pass, and returns the live pods. */
    const tick = async (): Promise<KubeObject[]> => {
      for (const p of await livePods()) {
        const ready = (
          p.status as { conditions?: { type: string; status: string }[] } | undefined
        )?.conditions?.some((x) => x.type === "Ready" && x.status === "True");
        if (!ready) await markReady(c.pods, p, c.clock.now());
      }
      c.clock.advance(6000);
      await settle(80);
      return livePods();
    };

    await eventually(async () => (await livePods()).length === 3, "3 pods");
    for (let i = 0; i < 10; i++) {
      await tick();
      const d = await deployments.get("default", "web");
      if ((d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 3) break;
    }

    await deployments.patch("default", "web", "strategic", {
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } },
    });
    let done = false;
    for (let i = 0; i < 30 && !done; i++) {
      const pods = await tick();
      const available = pods.filter((p) => isPodAvailable(p, 5, c.clock.now())).length;
      expect(available).toBeGreaterThanOrEqual(3);
      expect(pods.length).toBeLessThanOrEqual(4);
      const d = await deployments.get("default", "web");
      const st = (d.status ?? {}) as Record<string, number>;
      done =
        st.observedGeneration === d.metadata.generation &&
        st.updatedReplicas === 3 &&
        st.replicas === 3 &&
        st.availableReplicas === 3;
    }
    expect(done).toBe(true);
    expect((await livePods()).map(image)).toEqual(["nginx:1.28", "nginx:1.28", "nginx:1.28"]);
  });
});
