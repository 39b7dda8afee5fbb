import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { settle } from "../controllers.test-util.js";
import {
  condition,
  deploymentObject,
  type DeploymentHarness,
  imageOf,
  ownedReplicaSets,
  replicasOf,
  reportReplicaSets,
  setImage,
  startHarness,
  until,
} from "./deployment.test-util.js";

let h: DeploymentHarness;
afterEach(async () => h?.stop());

const rev = (o: KubeObject): string | undefined =>
  o.metadata.annotations?.["deployment.kubernetes.io/revision"];
const st = (d: KubeObject) => (d.status ?? {}) as Record<string, number | undefined>;

describe("DeploymentController: the new ReplicaSet", () => {
  it("creates <name>-<hash> owned by the Deployment, with revision 1, and reports completion", async () => {
    h = await startHarness();
    await h.deployments.create(
      deploymentObject("web", { annotations: { "kubernetes.io/change-cause": "first", team: "a" } }),
    );
    const d0 = await until(h, "web", (d) => rev(d) === "1");
    const [rs] = await ownedReplicaSets(h, "web");
    if (!rs) throw new Error("no replica set");
    const hash = rs.metadata.labels?.["pod-template-hash"] ?? "";
    expect(hash).toMatch(/^[456789bcdf]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: d0.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { app: "web", "pod-template-hash": hash } },
      template: { metadata: { labels: { app: "web", "pod-template-hash": hash } } },
    });
    expect(rs.metadata.annotations).toMatchObject({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
      "kubernetes.io/change-cause": "first",
      team: "a",
    });
    expect(condition(d0, "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetCreated" });

    await reportReplicaSets(h, "web");
    const done = await until(h, "web", (d) => st(d).availableReplicas === 3);
    expect(st(done)).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(st(done).unavailableReplicas).toBeUndefined();
    expect(condition(done, "Available")).toMatchObject({
      status: "True",
      reason: "MinimumReplicasAvailable",
    });
    expect(condition(done, "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
    });
    // Nothing more to write: the status stays put.
    const rv = done.metadata.resourceVersion;
    await settle(150);
    expect((await h.deployments.get("default", "web")).metadata.resourceVersion).toBe(rv);
  });

  it("adopts an orphan ReplicaSet whose labels match and reuses it when the template is equal", async () => {
    h = await startHarness();
    const d = deploymentObject("api", { replicas: 2 });
    const orphan: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "api-old", namespace: "default", labels: { app: "api" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "api" } },
        template: (d.spec as { template: unknown }).template,
      },
    };
    await h.replicaSets.create(orphan);
    await h.deployments.create(d);
    await until(h, "api", (x) => rev(x) === "1");
    const owned = await ownedReplicaSets(h, "api");
    expect(owned.map((rs) => rs.metadata.name)).toEqual(["api-old"]);
  });
});

describe("DeploymentController: RollingUpdate", () => {
  it("never exceeds replicas + maxSurge nor drops below replicas - maxUnavailable available", async () => {
    h = await startHarness();
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    await h.deployments.create(deploymentObject("web", { replicas: 4, strategy }));
    await until(h, "web", (d) => rev(d) === "1");
    await reportReplicaSets(h, "web");
    await until(h, "web", (d) => st(d).availableReplicas === 4);

    await setImage(h, "web", "nginx:1.28");
    let steps = 0;
    for (;;) {
      await settle(60);
      const rss = await ownedReplicaSets(h, "web");
      const total = rss.reduce((n, rs) => n + replicasOf(rs), 0);
      const available = rss.reduce(
        (n, rs) =>
          n +
          Math.min(
            replicasOf(rs),
            (rs.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0,
          ),
        0,
      );
      expect(total).toBeLessThanOrEqual(5);
      expect(available).toBeGreaterThanOrEqual(3);
      const d = await h.deployments.get("default", "web");
      if (st(d).updatedReplicas === 4 && st(d).replicas === 4 && st(d).availableReplicas === 4) break;
      await reportReplicaSets(h, "web");
      if (++steps > 40) throw new Error("rollout did not finish");
    }
    const rss = await ownedReplicaSets(h, "web");
    expect(rss.map((rs) => [imageOf(rs), replicasOf(rs), rev(rs)])).toEqual([
      ["nginx:1.27", 0, "1"],
      ["nginx:1.28", 4, "2"],
    ]);
    const d = await until(h, "web", (x) => condition(x, "Progressing")?.reason === "NewReplicaSetAvailable");
    expect(rev(d)).toBe("2");
  });

  it("stalls while the new pods are not available (maxUnavailable 0)", async () => {
    h = await startHarness();
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await h.deployments.create(deploymentObject("web", { replicas: 3, strategy }));
    await until(h, "web", (d) => rev(d) === "1");
    await reportReplicaSets(h, "web");
    await until(h, "web", (d) => st(d).availableReplicas === 3);
    await setImage(h, "web", "nginx:broken");
    await until(h, "web", (d) => rev(d) === "2");
    const bad = (rs: KubeObject) => imageOf(rs) === "nginx:broken";
    await reportReplicaSets(h, "web", (rs) => !bad(rs));
    await settle(200);
    await reportReplicaSets(h, "web", (rs) => !bad(rs));
    await settle(200);
    const rss = await ownedReplicaSets(h, "web");
    expect(rss.map((rs) => [imageOf(rs), replicasOf(rs)])).toEqual([
      ["nginx:1.27", 3],
      ["nginx:broken", 1],
    ]);
    const d = await until(h, "web", (x) => st(x).updatedReplicas === 1);
    expect(st(d)).toMatchObject({ replicas: 4, availableReplicas: 3, unavailableReplicas: 1 });
  });
});
