import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { Resources } from "../informers.js";
import { eventually, node, podTemplate, testCluster, type TestCluster } from "../controllers.test-util.js";
import { DaemonSetController } from "./controller.js";
import { revisionNumber } from "./history.js";

let cluster: TestCluster;
let abort: AbortController;
let run: Promise<void> | undefined;

afterEach(async () => {
  abort?.abort();
  await run;
  run = undefined;
  await cluster?.close();
});

function template(image: string): Record<string, unknown> {
  const t = podTemplate({ app: "agent" });
  (t.spec as { containers: unknown[] }).containers = [{ name: "c", image }];
  return t;
}

async function start(): Promise<void> {
  cluster = await testCluster();
  await cluster.api(Resources.nodes).create(node("n1"));
  abort = new AbortController();
  run = new DaemonSetController(cluster.ctx).start(abort.signal);
  cluster.ctx.informers.start();
}

/** revision → image of each ControllerRevision of the DaemonSet. */
async function history(): Promise<Record<number, string>> {
  const items = (await cluster.api(Resources.controllerRevisions).list("default")).items;
  return Object.fromEntries(
    items.map((cr: KubeObject) => {
      const data = (cr as { data?: { spec: { template: { spec: { containers: { image: string }[] } } } } })
        .data;
      return [revisionNumber(cr), data?.spec.template.spec.containers[0]?.image ?? ""];
    }),
  );
}

const same = (want: Record<number, string>) => async () =>
  JSON.stringify(await history()) === JSON.stringify(want);

describe("DaemonSet history", () => {
  it("keeps a ControllerRevision per template, renumbers the one a rollback returns to, and prunes", async () => {
    await start();
    const dsApi = cluster.api(Resources.daemonSets);
    await dsApi.create({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "default", annotations: { "kubernetes.io/change-cause": "v1" } },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: template("img:1"),
        revisionHistoryLimit: 1,
      },
    });
    await eventually(same({ 1: "img:1" }), "revision 1");
    const [first] = (await cluster.api(Resources.controllerRevisions).list("default")).items;
    expect(first?.metadata.name).toMatch(/^agent-[a-z0-9]+$/);
    expect(first?.metadata.labels).toMatchObject({ app: "agent" });
    expect(first?.metadata.labels?.["controller-revision-hash"]).toBe(
      first?.metadata.name?.slice("agent-".length),
    );
    expect(first?.metadata.annotations?.["kubernetes.io/change-cause"]).toBe("v1");
    expect(first?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "DaemonSet",
      name: "agent",
      controller: true,
    });
    const data = (first as { data?: { spec: { template: Record<string, unknown> } } }).data;
    expect(data?.spec.template.$patch).toBe("replace");

    await dsApi.patch("default", "agent", "merge", { spec: { template: template("img:2") } });
    await eventually(same({ 1: "img:1", 2: "img:2" }), "revision 2");
    // Back to the first template: its revision becomes the newest, no new revision is made.
    await dsApi.patch("default", "agent", "merge", { spec: { template: template("img:1") } });
    await eventually(same({ 2: "img:2", 3: "img:1" }), "revision 1 renumbered to 3");
    // A third template leaves 2 old revisions; the limit (1) prunes the oldest no pod runs.
    await dsApi.patch("default", "agent", "merge", { spec: { template: template("img:3") } });
    await eventually(async () => (await history())[4] === "img:3", "revision 4");
    await eventually(async () => Object.keys(await history()).length === 2, "pruned to the limit");
    expect((await history())[4]).toBe("img:3");
  });
});
