import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { eventually, settle } from "../controllers.test-util.js";
import {
  condition,
  deploymentObject,
  type DeploymentHarness,
  imageOf,
  ownedReplicaSets,
  patchSpec,
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
const sizes = async (name: string) =>
  (await ownedReplicaSets(h, name)).map((rs) => [imageOf(rs), replicasOf(rs)] as const);

/** Reports every ReplicaSet available until the rollout of `image` completed. */
async function completeRollout(name: string, revision: string): Promise<KubeObject> {
  for (let i = 0; i < 40; i++) {
    await reportReplicaSets(h, name);
    await settle(40);
    const d = await h.deployments.get("default", name);
    const want = (d.spec as { replicas: number }).replicas;
    if (
      rev(d) === revision &&
      st(d).observedGeneration === d.metadata.generation &&
      st(d).updatedReplicas === want &&
      st(d).replicas === want &&
      st(d).availableReplicas === want
    )
      return d;
  }
  throw new Error(`rollout of revision ${revision} did not complete`);
}

describe("rollback", () => {
  it("a template equal to an old ReplicaSet's reuses it with revision max+1", async () => {
    h = await startHarness();
    await h.deployments.create(deploymentObject("web", { replicas: 2 }));
    await completeRollout("web", "1");
    await setImage(h, "web", "nginx:1.28");
    await completeRollout("web", "2");
    // kubectl rollout undo: the old RS's template (defaults included, hash label removed,
    // creationTimestamp null) replaces the Deployment's.
    const [first] = await ownedReplicaSets(h, "web");
    if (!first) throw new Error("no first replica set");
    const template = structuredClone(
      (first.spec as { template: { metadata: { labels: Record<string, string> } } }).template,
    );
    delete template.metadata.labels["pod-template-hash"];
    await h.deployments.patch("default", "web", "json", [
      {
        op: "replace",
        path: "/spec/template",
        value: { ...template, metadata: { ...template.metadata, creationTimestamp: null } },
      },
    ]);
    const d = await completeRollout("web", "3");
    const rss = await ownedReplicaSets(h, "web");
    expect(rss.map((rs) => [imageOf(rs), replicasOf(rs), rev(rs)])).toEqual([
      ["nginx:1.28", 0, "2"],
      ["nginx:1.27", 2, "3"],
    ]);
    expect(rss[1]?.metadata.name).toBe(first.metadata.name);
    expect(rss[1]?.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(rev(d)).toBe("3");
  });

  it("keeps revisionHistoryLimit old ReplicaSets", async () => {
    h = await startHarness();
    await h.deployments.create(
      deploymentObject("web", { replicas: 1, extraSpec: { revisionHistoryLimit: 1 } }),
    );
    await completeRollout("web", "1");
    await setImage(h, "web", "nginx:1.28");
    await completeRollout("web", "2");
    await setImage(h, "web", "nginx:1.29");
    await completeRollout("web", "3");
    await eventually(
      async () => (await ownedReplicaSets(h, "web")).length === 2,
      "oldest replica set deleted",
    );
    expect((await ownedReplicaSets(h, "web")).map((rs) => rev(rs))).toEqual(["2", "3"]);
  });
});

describe("pause and scale", () => {
  it("a paused Deployment does not roll out but still scales; resume rolls out", async () => {
    h = await startHarness();
    await h.deployments.create(deploymentObject("web", { replicas: 3 }));
    await completeRollout("web", "1");
    await patchSpec(h, "web", { paused: true });
    await setImage(h, "web", "nginx:1.28");
    const paused = await until(h, "web", (d) => condition(d, "Progressing")?.reason === "DeploymentPaused");
    expect(condition(paused, "Progressing")).toMatchObject({
      status: "Unknown",
      message: "Deployment is paused",
    });
    await patchSpec(h, "web", { replicas: 5 });
    await eventually(async () => (await sizes("web"))[0]?.[1] === 5, "paused deployment scaled");
    expect(await sizes("web")).toEqual([["nginx:1.27", 5]]);

    await h.deployments.patch("default", "web", "strategic", { spec: { paused: null } });
    const d = await completeRollout("web", "2");
    expect(condition(d, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
    expect(await sizes("web")).toEqual([
      ["nginx:1.27", 0],
      ["nginx:1.28", 5],
    ]);
  });

  it("scaling in the middle of a rollout is shared proportionally", async () => {
    h = await startHarness();
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    await h.deployments.create(deploymentObject("web", { replicas: 10, strategy }));
    await completeRollout("web", "1");
    await setImage(h, "web", "nginx:broken");
    const good = (rs: KubeObject) => imageOf(rs) !== "nginx:broken";
    for (let i = 0; i < 6; i++) {
      await reportReplicaSets(h, "web", good);
      await settle(40);
    }
    expect(await sizes("web")).toEqual([
      ["nginx:1.27", 8],
      ["nginx:broken", 5],
    ]);
    await patchSpec(h, "web", { replicas: 20 });
    // 20 + maxSurge 3 = 23 pods; 10 more shared by size over the 13 they were sized for:
    // old 8 → round(8·23/13) = 14, new 5 → round(5·23/13) = 9.
    await eventually(async () => (await sizes("web"))[0]?.[1] === 14, "proportional scale-up");
    expect(await sizes("web")).toEqual([
      ["nginx:1.27", 14],
      ["nginx:broken", 9],
    ]);
    // Scaling down to 5 shares the cut the same way (8 pods: old 5, new 3); the rollout then
    // goes on within maxUnavailable 2: old pods down to 3 available, the new ReplicaSet to 5.
    await patchSpec(h, "web", { replicas: 5 });
    await eventually(async () => (await sizes("web"))[1]?.[1] === 5, "scale-down, then roll on");
    expect((await sizes("web")).map(([, r]) => r)).toEqual([3, 5]);
  });
});

describe("progress deadline", () => {
  it("a rollout without progress for progressDeadlineSeconds is ProgressDeadlineExceeded", async () => {
    h = await startHarness();
    await h.deployments.create(
      deploymentObject("web", { replicas: 2, extraSpec: { progressDeadlineSeconds: 30 } }),
    );
    await completeRollout("web", "1");
    await setImage(h, "web", "nginx:broken");
    const good = (rs: KubeObject) => imageOf(rs) !== "nginx:broken";
    await until(h, "web", (d) => rev(d) === "2");
    for (let i = 0; i < 3; i++) {
      await reportReplicaSets(h, "web", good);
      await settle(40);
    }
    const before = await h.deployments.get("default", "web");
    expect(condition(before, "Progressing")?.status).toBe("True");
    h.cluster.clock.advance(20_000);
    await settle(100);
    expect(condition(await h.deployments.get("default", "web"), "Progressing")?.status).toBe("True");
    h.cluster.clock.advance(12_000);
    const d = await until(
      h,
      "web",
      (x) => condition(x, "Progressing")?.reason === "ProgressDeadlineExceeded",
    );
    expect(condition(d, "Progressing")).toMatchObject({
      status: "False",
      message: expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/) as unknown,
    });
    expect(condition(d, "Available")?.status).toBe("True");
  });
});

describe("Recreate", () => {
  it("scales old ReplicaSets to 0 and waits for their pods to be gone before the new one", async () => {
    h = await startHarness();
    await h.deployments.create(deploymentObject("web", { replicas: 2, strategy: { type: "Recreate" } }));
    await completeRollout("web", "1");
    const [rs1] = await ownedReplicaSets(h, "web");
    if (!rs1) throw new Error("no replica set");
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "web-old-pod",
        namespace: "default",
        labels: { ...rs1.metadata.labels },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: rs1.metadata.name ?? "",
            uid: rs1.metadata.uid ?? "",
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    };
    const created = await h.cluster.pods.create(pod);
    await h.cluster.pods.updateStatus({ ...created, status: { phase: "Running" } });
    await setImage(h, "web", "nginx:1.28");
    await eventually(async () => (await sizes("web"))[0]?.[1] === 0, "old scaled to 0");
    await reportReplicaSets(h, "web");
    await settle(150);
    expect(await sizes("web")).toEqual([["nginx:1.27", 0]]);
    await h.cluster.pods.delete("default", "web-old-pod", { gracePeriodSeconds: 0 });
    await eventually(async () => (await sizes("web")).length === 2, "new replica set created");
    expect(await sizes("web")).toEqual([
      ["nginx:1.27", 0],
      ["nginx:1.28", 2],
    ]);
    await completeRollout("web", "2");
  });
});
