// @kubernetes/client-node (the official JavaScript client, ESM) against a real `skiff server`:
// typed calls, an informer-style watch seeing changes in order, and Status errors as ApiExceptions.
import type * as ClientNodeModule from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "./support/api-server.js";

type ClientNode = typeof ClientNodeModule;

/** The client, loaded with a clear message when this Node cannot run it. */
async function loadClient(): Promise<ClientNode> {
  try {
    return await import("@kubernetes/client-node");
  } catch (err) {
    throw new Error(
      `@kubernetes/client-node does not load on Node ${process.versions.node}: ${(err as Error).message} ` +
        "(client-node 2.x needs undici 8, i.e. Node >= 22.19; on Node 20 use client-node 1.x)",
    );
  }
}

describe("@kubernetes/client-node against skiff server", () => {
  let api: ApiServer;
  let kc: KubeConfig;
  let k8s: ClientNode;

  beforeAll(async () => {
    k8s = await loadClient();
    api = await startApiServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(api.kubeconfig);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it("lists namespaces and creates, reads and deletes typed objects", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]),
    );
    await core.createNamespace({ body: { metadata: { name: "client-node" } } });
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: "client-node",
      body: {
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.25" }] },
          },
        },
      },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.spec?.replicas).toBe(1);
    expect(created.metadata?.generation).toBe(1);
    await expect(
      core.readNamespacedConfigMap({ name: "nope", namespace: "client-node" }),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it("watches config maps: changes arrive in order, from another client", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: "client-node" });
    const events: string[] = [];
    let resolveDone: (() => void) | undefined;
    const sawDelete = new Promise<void>((r) => (resolveDone = r));
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      "/api/v1/namespaces/client-node/configmaps",
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (phase, obj: { metadata?: { name?: string }; data?: Record<string, string> }) => {
        if (phase === "BOOKMARK") return;
        events.push(`${phase} ${obj.metadata?.name} ${obj.data?.v ?? ""}`.trim());
        if (phase === "DELETED") resolveDone?.();
      },
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: "client-node",
        body: { metadata: { name: "w" }, data: { v: "1" } },
      });
      await core.replaceNamespacedConfigMap({
        name: "w",
        namespace: "client-node",
        body: { metadata: { name: "w" }, data: { v: "2" } },
      });
      await core.deleteNamespacedConfigMap({ name: "w", namespace: "client-node" });
      await Promise.race([
        sawDelete,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`events so far: ${events.join(", ")}`)), 15_000),
        ),
      ]);
    } finally {
      controller.abort();
    }
    expect(events).toEqual(["ADDED w 1", "MODIFIED w 2", "DELETED w 2"]);
  });
});
