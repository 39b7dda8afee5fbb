// etcd's own floor under the API bench's requests: the same etcd operations a Skiff create, get
// and update end in (a transaction comparing the key's absence and putting it, a range of one
// key, a transaction comparing its mod revision and putting it), sent straight from this
// process with the etcd3 client Skiff uses, on keys outside Skiff's prefix.
import { Etcd3 } from "etcd3";
import type { TimedOp } from "./api-client.js";

export interface EtcdFloor {
  create: TimedOp;
  get: TimedOp;
  update: TimedOp;
  close(): void;
}

/** `valueBytes`: about the size of what Skiff stores for one of the bench's ConfigMaps. */
export function etcdFloor(o: { endpoint: string; valueBytes: number }): EtcdFloor {
  const client = new Etcd3({ hosts: o.endpoint });
  const value = Buffer.alloc(o.valueBytes, "x");
  const key = (i: number): Buffer => Buffer.from(`/bench-floor/configmaps/cm-${i}`);
  const modRevisions = new Map<number, string>();
  const timed =
    (fn: (i: number) => Promise<unknown>): TimedOp =>
    async (i) => {
      const t0 = performance.now();
      await fn(i);
      return { status: 0, ms: performance.now() - t0 };
    };
  return {
    create: timed(async (i) => {
      const k = key(i);
      const res = await client.kv.txn({
        compare: [{ key: k, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key: k, value } }],
        failure: [],
      });
      if (!res.succeeded) throw new Error(`etcd floor: key ${i} exists`);
      modRevisions.set(i, res.header.revision);
    }),
    get: timed(async (i) => client.kv.range({ key: key(i) })),
    update: timed(async (i) => {
      const k = key(i);
      const res = await client.kv.txn({
        compare: [{ key: k, target: "Mod", result: "Equal", mod_revision: modRevisions.get(i) ?? "0" }],
        success: [{ request_put: { key: k, value } }],
        failure: [],
      });
      if (!res.succeeded) throw new Error(`etcd floor: key ${i} changed`);
    }),
    close: () => client.close(),
  };
}
