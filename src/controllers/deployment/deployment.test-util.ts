// Test wiring for the Deployment controller: a real in-memory registry, the controller running
// over it with a fake clock, and a stand-in for the ReplicaSet controller that writes the
// ReplicaSet status a test asks for (which pods exist, are ready, are available).
import type { ResourceApi } from "../../api/client/cluster.js";
import type { KubeObject } from "../../api/types.js";
import { eventually, testCluster, type TestCluster } from "../controllers.test-util.js";
import { Resources } from "../informers.js";
import { controllerRef } from "../pod-util.js";
import { DeploymentController } from "./controller.js";

export interface DeploymentHarness {
  cluster: TestCluster;
  deployments: ResourceApi;
  replicaSets: ResourceApi;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<DeploymentHarness> {
  const cluster = await testCluster();
  const controller = new DeploymentController(cluster.ctx, { workers: 2 });
  const abort = new AbortController();
  const run = controller.start(abort.signal);
  cluster.ctx.informers.start();
  await cluster.ctx.informers.synced();
  return {
    cluster,
    deployments: cluster.api(Resources.deployments),
    replicaSets: cluster.api(Resources.replicaSets),
    async stop() {
      abort.abort();
      await run;
      await cluster.close();
    },
  };
}

export function deploymentObject(
  name: string,
  o: {
    replicas?: number;
    image?: string;
    strategy?: Record<string, unknown>;
    extraSpec?: Record<string, unknown>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", ...(o.annotations && { annotations: o.annotations }) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(o.strategy && { strategy: o.strategy }),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image: o.image ?? "nginx:1.27" }] },
      },
      ...o.extraSpec,
    },
  };
}

const revision = (rs: KubeObject): number =>
  Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);

/** The ReplicaSets `deployment` controls, lowest revision first. */
export async function ownedReplicaSets(h: DeploymentHarness, deployment: string): Promise<KubeObject[]> {
  const d = await h.deployments.get("default", deployment);
  const list = await h.replicaSets.list("default");
  return list.items
    .filter((rs) => controllerRef(rs)?.uid === d.metadata.uid)
    .sort((a, b) => revision(a) - revision(b));
}

export function replicasOf(rs: KubeObject): number {
  return (rs.spec as { replicas: number }).replicas;
}

export function imageOf(rs: KubeObject): string {
  const t = (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template;
  return t.spec.containers[0]?.image ?? "";
}

/**
 * Writes each of the Deployment's ReplicaSets' status as a ReplicaSet controller would: all
 * spec.replicas pods exist; `available(rs)` decides whether they are ready and available.
 */
export async function reportReplicaSets(
  h: DeploymentHarness,
  deployment: string,
  available: (rs: KubeObject) => boolean = () => true,
): Promise<void> {
  for (const rs of await ownedReplicaSets(h, deployment)) {
    const n = replicasOf(rs);
    const ok = available(rs) ? n : 0;
    const status = {
      replicas: n,
      readyReplicas: ok,
      availableReplicas: ok,
      observedGeneration: rs.metadata.generation,
    };
    if (JSON.stringify(rs.status ?? {}) === JSON.stringify(status)) continue;
    await h.replicaSets.updateStatus({ ...rs, status });
  }
}

export async function deploymentStatus(h: DeploymentHarness, name: string): Promise<Record<string, unknown>> {
  const d = await h.deployments.get("default", name);
  return (d.status ?? {}) as Record<string, unknown>;
}

export function condition(d: KubeObject, type: string): Record<string, unknown> | undefined {
  const conds = (d.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === type);
}

/** Patches the Deployment's spec (strategic merge, as kubectl does). */
export async function patchSpec(
  h: DeploymentHarness,
  name: string,
  spec: Record<string, unknown>,
): Promise<KubeObject> {
  return h.deployments.patch("default", name, "strategic", { spec });
}

export function setImage(h: DeploymentHarness, name: string, image: string): Promise<KubeObject> {
  return patchSpec(h, name, { template: { spec: { containers: [{ name: "web", image }] } } });
}

/** Waits until the Deployment's controller observed its latest generation and `check` holds. */
export async function until(
  h: DeploymentHarness,
  name: string,
  check: (d: KubeObject) => boolean,
  what = "deployment condition",
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  await eventually(async () => {
    last = await h.deployments.get("default", name);
    const st = (last.status ?? {}) as { observedGeneration?: number };
    return (st.observedGeneration ?? 0) >= (last.metadata.generation ?? 0) && check(last);
  }, what);
  return last as KubeObject;
}
