import { afterEach, describe, expect, it } from "vitest";
import { pod } from "../api/registry/registry.test-util.js";
import { eventually, testCluster, type TestCluster } from "./controllers.test-util.js";
import { InformerFactory, Resources } from "./informers.js";
import { logger } from "./controllers.test-util.js";

let cluster: TestCluster;
afterEach(async () => cluster?.close());

describe("InformerFactory", () => {
  it("shares one informer per resource, lists then follows the watch", async () => {
    cluster = await testCluster();
    const p = pod("before", { app: "a" });
    p.metadata.namespace = "default";
    await cluster.pods.create(p);
    const f = new InformerFactory({ client: cluster.client, logger });
    const inf = f.informer(Resources.pods);
    expect(f.informer({ group: "", version: "v1", resource: "pods" })).not.toBe(undefined);
    expect(f.informer({ apiVersion: "v1", kind: "Pod" })).toBe(inf);
    const seen: string[] = [];
    inf.onChange((type, obj) => seen.push(`${type} ${obj.metadata.name}`));
    f.start();
    await f.synced();
    expect(inf.get("default", "before")).toBeDefined();
    const q = pod("after");
    q.metadata.namespace = "default";
    await cluster.pods.create(q);
    await eventually(() => inf.get("default", "after") !== undefined);
    await cluster.pods.delete("default", "before");
    await eventually(() => inf.get("default", "before") === undefined);
    expect(seen).toEqual(["ADDED before", "ADDED after", "DELETED before"]);
    // asked for after start: started at once
    const nodes = f.informer(Resources.nodes);
    await f.synced();
    expect(nodes.items()).toEqual([]);
    f.stop();
  });
});
