// The Store contract against a real etcd 3.4 (Debian's etcd-server), the backend of a Skiff
// cluster that spans several servers.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { EtcdStore } from "../src/api/storage/etcd-store.js";
import { describeStoreContract } from "../src/api/storage/store-contract.test-suite.js";
import { startEtcd, type EtcdMember } from "./support/etcd.js";
import { requireTool } from "./support/tools.js";

requireTool("etcd");
let etcd: EtcdMember;
beforeAll(async () => {
  etcd = await startEtcd();
}, 30_000);
afterAll(async () => {
  await etcd?.stop();
});

describeStoreContract("EtcdStore", async () => {
  // Each test gets its own prefix: etcd's revision is shared, the keys are not.
  const store = new EtcdStore({ endpoints: [etcd.endpoint], prefix: `/t-${randomBytes(4).toString("hex")}` });
  return {
    store,
    compact: async () => {
      const rev = await store.currentRevision();
      await store.compact(rev - 1);
      return rev - 1;
    },
    cleanup: () => Promise.resolve(),
  };
});
