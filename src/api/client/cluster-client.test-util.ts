// One behaviour suite for every ClusterClient: the in-process ApiClient and the HTTPS client
// must answer the same operations with the same objects and the same ApiError reasons.
import { describe, expect, it } from "vitest";
import type { KubeObject, WatchEvent } from "../types.js";
import type { ClusterClient } from "./cluster.js";

export interface ClientUnderTest {
  client: ClusterClient;
  /** Called once after the suite. */
  close(): Promise<void>;
}

const CONFIGMAPS = { apiVersion: "v1", kind: "ConfigMap" };
const PODS = { group: "", version: "v1", resource: "pods" };

function cm(name: string, namespace: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels }, data: { k: "v" } };
}

/** A pod bound to a node nobody runs, so no scheduler or agent writes to it meanwhile. */
function pod(name: string, namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: { nodeName: "contract-ghost-node", containers: [{ name: "c", image: "busybox" }] },
  };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { reason?: string }).reason ?? `not an ApiError: ${String(err)}`;
  }
  return "no error";
}

/** Collects events until `until` says stop (then aborts the watch) or the stream ends. */
async function collect(
  events: () => AsyncIterable<WatchEvent>,
  abort: AbortController,
  until: (seen: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const seen: WatchEvent[] = [];
  const guard = setTimeout(() => abort.abort(), 15_000);
  try {
    for await (const ev of events()) {
      seen.push(ev);
      if (until(seen)) abort.abort();
    }
  } finally {
    clearTimeout(guard);
  }
  return seen;
}

export function clusterClientContract(name: string, setup: () => Promise<ClientUnderTest>): void {
  describe(`ClusterClient contract: ${name}`, () => {
    let subject: ClientUnderTest;
    let seq = 0;
    const newNamespace = async (): Promise<string> => {
      const ns = `contract-${process.pid}-${Date.now().toString(36)}-${seq++}`;
      await subject.client
        .resource({ apiVersion: "v1", kind: "Namespace" })
        .create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      return ns;
    };

    it("sets up", async () => {
      subject = await setup();
    });

    it("creates, gets, finds, lists with selectors and pages, and names its errors", async () => {
      const ns = await newNamespace();
      const cms = subject.client.resource(CONFIGMAPS);
      const created = await cms.create(cm("a", ns, { tier: "web" }), { fieldManager: "contract" });
      expect(created.metadata.uid).toBeDefined();
      expect(created.metadata.managedFields?.[0]?.manager).toBe("contract");
      await cms.create(cm("b", ns, { tier: "db" }));
      await cms.create(cm("c", ns, { tier: "web" }));
      expect((await cms.get(ns, "a")).data).toEqual({ k: "v" });
      expect(await cms.find(ns, "nope")).toBeUndefined();
      expect(await reason(cms.get(ns, "nope"))).toBe("NotFound");
      expect(await reason(cms.create(cm("a", ns)))).toBe("AlreadyExists");
      expect(await reason(cms.create(cm("Bad_Name", ns)))).toBe("Invalid");
      const web = await cms.list(ns, { labelSelector: "tier=web" });
      expect(web.items.map((o) => o.metadata.name).sort()).toEqual(["a", "c"]);
      const byName = await cms.list(ns, { fieldSelector: "metadata.name=b" });
      expect(byName.items.map((o) => o.metadata.name)).toEqual(["b"]);
      const page1 = await cms.list(ns, { limit: 2 });
      expect(page1.items).toHaveLength(2);
      expect(page1.metadata.continue).toBeTruthy();
      const page2 = await cms.list(ns, { limit: 2, continue: page1.metadata.continue as string });
      expect(page2.items.map((o) => o.metadata.name)).toEqual(["c"]);
      expect(await reason(cms.list(ns, { labelSelector: "a in (" }))).toBe("BadRequest");
      const all = await cms.list(undefined, { fieldSelector: `metadata.namespace=${ns}` });
      expect(all.items).toHaveLength(3);
      expect(() => subject.client.resource({ apiVersion: "example.com/v1", kind: "Widget" })).toThrow();
    });

    it("updates with optimistic concurrency, updates status, patches and deletes", async () => {
      const ns = await newNamespace();
      const cms = subject.client.resource(CONFIGMAPS);
      const a = await cms.create(cm("a", ns));
      const updated = await cms.update({ ...a, data: { k: "w" } });
      expect(updated.data).toEqual({ k: "w" });
      expect(await reason(cms.update({ ...a, data: { k: "x" } }))).toBe("Conflict");
      expect((await cms.patch(ns, "a", "merge", { data: { m: "1" } })).data).toEqual({ k: "w", m: "1" });
      const jp = await cms.patch(ns, "a", "json", [{ op: "replace", path: "/data/k", value: "j" }]);
      expect(jp.data).toEqual({ k: "j", m: "1" });
      const applied = await cms.patch(
        ns,
        "applied",
        "apply",
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "applied", namespace: ns },
          data: { x: "1" },
        },
        { fieldManager: "contract-apply", force: true },
      );
      expect(applied.data).toEqual({ x: "1" });
      expect(await reason(cms.patch(ns, "nope", "merge", { data: {} }))).toBe("NotFound");
      const dry = await cms.create(cm("dry", ns), { dryRun: true });
      expect(dry.metadata.name).toBe("dry");
      expect(await cms.find(ns, "dry")).toBeUndefined();

      const pods = subject.client.resource(PODS);
      const p = await pods.create(pod("p", ns));
      const withStatus = await pods.updateStatus({
        ...p,
        spec: { ...(p.spec as object), activeDeadlineSeconds: 5 },
        status: { ...(p.status as object), phase: "Running", podIP: "10.1.2.3" },
      });
      expect((withStatus.status as { phase?: string }).phase).toBe("Running");
      expect((withStatus.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds).toBeUndefined();
      const st = await pods.patch(
        ns,
        "p",
        "strategic",
        { status: { podIP: "10.1.2.4" } },
        { subresource: "status" },
      );
      expect((st.status as { podIP?: string }).podIP).toBe("10.1.2.4");

      const deleted = await cms.delete(ns, "a");
      expect(deleted.metadata.name).toBe("a");
      expect(await cms.find(ns, "a")).toBeUndefined();
      expect(await reason(cms.delete(ns, "a"))).toBe("NotFound");
      const b = await cms.create(cm("b", ns));
      expect(await reason(cms.delete(ns, "b", { preconditions: { uid: "not-its-uid" } }))).toBe("Conflict");
      await cms.delete(ns, "b", { preconditions: { uid: b.metadata.uid as string } });
    });

    it("watches from a list's resourceVersion with selectors until the signal aborts", async () => {
      const ns = await newNamespace();
      const cms = subject.client.resource(CONFIGMAPS);
      await cms.create(cm("before", ns, { w: "yes" }));
      const list = await cms.list(ns);
      const abort = new AbortController();
      const opts = { resourceVersion: list.metadata.resourceVersion as string, labelSelector: "w=yes" };
      const seen = collect(
        () => cms.watch(ns, opts, abort.signal),
        abort,
        (s) => s.some((e) => e.type === "DELETED"),
      );
      await new Promise((r) => setTimeout(r, 200));
      await cms.create(cm("other", ns, { w: "no" }));
      const x = await cms.create(cm("x", ns, { w: "yes" }));
      await cms.update({ ...x, data: { k: "2" } });
      await cms.delete(ns, "x");
      const events = await seen;
      expect(abort.signal.aborted).toBe(true);
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        "ADDED x",
        "MODIFIED x",
        "DELETED x",
      ]);

      const initial = new AbortController();
      const fromZero = await collect(
        () => cms.watch(ns, { fieldSelector: "metadata.name=before" }, initial.signal),
        initial,
        (s) => s.length >= 1,
      );
      expect(fromZero.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED before"]);

      const bad = new AbortController();
      const badWatch = (async () => {
        for await (const ev of cms.watch(ns, { labelSelector: "a in (" }, bad.signal)) void ev;
      })();
      expect(await reason(badWatch)).toBe("BadRequest");

      const ended = new AbortController();
      const short = await collect(
        () =>
          cms.watch(
            ns,
            { resourceVersion: list.metadata.resourceVersion as string, timeoutSeconds: 1 },
            ended.signal,
          ),
        ended,
        () => false,
      );
      expect(ended.signal.aborted).toBe(false);
      expect(short.length).toBeGreaterThan(0);
    });

    it("closes", async () => {
      await subject.close();
    });
  });
}
