import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { logger, testCluster, type TestCluster } from "./controllers.test-util.js";
import { ControllerEvents } from "./events.js";
import { Resources } from "./informers.js";

let cluster: TestCluster | undefined;
afterEach(async () => cluster?.close());

const rs: KubeObject = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web-1", namespace: "default", uid: "u1", resourceVersion: "7" },
};

describe("ControllerEvents", () => {
  it("writes an event about the object in the background, as kube-controller-manager does", async () => {
    cluster = await testCluster();
    const events = new ControllerEvents({
      client: cluster.client,
      component: "replicaset-controller",
      clock: cluster.clock,
      logger,
    });
    events.record(rs, "Normal", "SuccessfulCreate", "Created pod: web-1-abcde");
    await events.flush();
    const [e] = (await cluster.api(Resources.events).list("default")).items;
    expect(e?.metadata.name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    expect(e).toMatchObject({
      type: "Normal",
      reason: "SuccessfulCreate",
      message: "Created pod: web-1-abcde",
      count: 1,
      involvedObject: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u1" },
      source: { component: "replicaset-controller" },
      reportingComponent: "replicaset-controller",
    });
  });

  it("drops events beyond the writes allowed in flight, and never throws", async () => {
    cluster = await testCluster();
    const events = new ControllerEvents({
      client: cluster.client,
      component: "c",
      clock: cluster.clock,
      logger,
      maxPending: 2,
    });
    for (let i = 0; i < 5; i++) events.record(rs, "Warning", "FailedCreate", `Error creating: ${i}`);
    await events.flush();
    expect((await cluster.api(Resources.events).list("default")).items).toHaveLength(2);
    // An invalid event (no name to hang it on) is refused by the API: logged, not thrown.
    events.record({ ...rs, metadata: { ...rs.metadata, name: "" } }, "Normal", "X", "y");
    await events.flush();
    expect((await cluster.api(Resources.events).list("default")).items).toHaveLength(2);
  });
});
