// Garbage collector over ownerReferences (by uid), level-triggered: dependents whose owners are
// all gone are deleted; dangling references next to live owners are dropped; an owner in
// foreground deletion has its dependents deleted and goes once no blocking dependent is left;
// an orphaning owner has its references removed from dependents before it goes.
import { conflict } from "../errors.js";
import type { KubeObject, ObjectMeta, OwnerReference } from "../types.js";
import { parseApiVersion } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { FOREGROUND, ORPHAN } from "./delete.js";
import { isTransient, type RegistryOps } from "./internal-ops.js";
import { Loop } from "./loop.js";
import { storageDefs } from "./storage-defs.js";

/**
 * One object of a pass: only the metadata the collector decides on, so that a pass over
 * thousands of objects holds little; a write reads the object afresh (rejecting a changed one).
 */
interface Node {
  def: ResourceDef;
  meta: Pick<
    ObjectMeta,
    "uid" | "name" | "namespace" | "resourceVersion" | "ownerReferences" | "deletionTimestamp" | "finalizers"
  >;
}

function nodeOf(def: ResourceDef, obj: KubeObject): Node {
  const m = obj.metadata;
  return {
    def,
    meta: {
      uid: m.uid,
      name: m.name,
      namespace: m.namespace,
      resourceVersion: m.resourceVersion,
      ownerReferences: m.ownerReferences,
      deletionTimestamp: m.deletionTimestamp,
      finalizers: m.finalizers,
    },
  };
}

export class GarbageCollector {
  readonly #ops: RegistryOps;
  readonly #ctx: RegistryContext;
  readonly #loop: Loop;
  #watch: AbortController | undefined;

  constructor(ops: RegistryOps, ctx: RegistryContext, resyncMs = 30_000) {
    this.#ops = ops;
    this.#ctx = ctx;
    this.#loop = new Loop({
      name: "garbage-collector",
      pass: () => this.pass(),
      logger: ctx.logger,
      periodMs: resyncMs,
      debounceMs: 100,
    });
  }

  start(): void {
    this.#loop.start();
    const abort = new AbortController();
    this.#watch = abort;
    void this.#follow(abort.signal);
  }

  async stop(): Promise<void> {
    this.#watch?.abort();
    await this.#loop.stop();
  }

  /** Pokes a pass on deletions and on writes that mark an object deleted. */
  async #follow(signal: AbortSignal): Promise<void> {
    const marker = Buffer.from('"deletionTimestamp"');
    while (!signal.aborted) {
      try {
        const from = await this.#ctx.store.currentRevision();
        // Only the kind of change and the new value matter here: no previous values (on etcd
        // each would be read from its database and sent with every event).
        const events = this.#ctx.store.watch("/registry/", from, signal, { prevValues: false });
        for await (const ev of events) {
          if (ev.type === "delete" || ev.value.includes(marker)) this.#loop.poke();
        }
      } catch (err) {
        if (signal.aborted) return;
        this.#ctx.logger.warn({ err }, "garbage collector: watch failed; resyncing");
        this.#loop.poke();
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  }

  #write() {
    return { user: this.#ctx.systemUser, dryRun: false, fieldManager: "garbage-collector" };
  }

  /** One full pass over every stored object. */
  async pass(): Promise<void> {
    const nodes = new Map<string, Node>();
    const dependents = new Map<string, Node[]>();
    for (const def of storageDefs(this.#ctx.catalog)) {
      const list = await this.#ops.listLazily(def, undefined, {});
      for await (const obj of list.items) {
        const node = nodeOf(def, obj);
        if (node.meta.uid) nodes.set(node.meta.uid, node);
        for (const ref of node.meta.ownerReferences ?? []) {
          const deps = dependents.get(ref.uid) ?? [];
          deps.push(node);
          dependents.set(ref.uid, deps);
        }
      }
    }
    for (const node of nodes.values()) {
      await this.#guard(() => this.#finalizeOwner(node, dependents.get(node.meta.uid as string) ?? []));
    }
    for (const node of nodes.values()) {
      if ((node.meta.ownerReferences ?? []).length > 0)
        await this.#guard(() => this.#checkOwners(node, nodes));
    }
  }

  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      if (!isTransient(err)) throw err;
      this.#loop.poke();
    }
  }

  /** Foreground and orphan finalizers of an owner being deleted. */
  async #finalizeOwner(owner: Node, deps: Node[]): Promise<void> {
    const meta = owner.meta;
    if (meta.deletionTimestamp === undefined) return;
    const finalizers = meta.finalizers ?? [];
    const uid = meta.uid as string;
    if (finalizers.includes(ORPHAN)) {
      for (const dep of deps) {
        await this.#updateSeen(dep, (next) => {
          next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        });
      }
      await this.#removeFinalizer(owner, ORPHAN);
      return;
    }
    if (!finalizers.includes(FOREGROUND)) return;
    let blocking = 0;
    for (const dep of deps) {
      const ref = (dep.meta.ownerReferences ?? []).find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion === true) blocking++;
      if (dep.meta.deletionTimestamp !== undefined) continue;
      await this.#ops.delete(dep.def, dep.meta.namespace, dep.meta.name as string, {
        ...this.#write(),
        propagationPolicy: "Foreground",
        preconditions: { uid: dep.meta.uid as string },
      });
    }
    if (blocking === 0) await this.#removeFinalizer(owner, FOREGROUND);
  }

  async #removeFinalizer(node: Node, finalizer: string): Promise<void> {
    await this.#updateSeen(node, (next) => {
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }

  /**
   * Changes the object as this pass saw it: read afresh, and Conflict (the next pass decides
   * again) when it has changed since, as an update at the pass's resourceVersion would be.
   */
  async #updateSeen(node: Node, change: (obj: KubeObject) => void): Promise<void> {
    const { namespace, name, resourceVersion } = node.meta;
    const live = await this.#ops.get(node.def, namespace, name as string);
    if (live.metadata.resourceVersion !== resourceVersion) {
      throw conflict(node.def.group, node.def.resource, name as string, "the object has been modified");
    }
    change(live);
    await this.#ops.update(node.def, namespace, name as string, live, this.#write());
  }

  /** Whether an owner exists: in this pass's snapshot, or (to beat the snapshot's age) live. */
  async #ownerExists(dep: Node, ref: OwnerReference, nodes: Map<string, Node>): Promise<boolean> {
    if (nodes.has(ref.uid)) return true;
    const gv = parseApiVersion(ref.apiVersion);
    const def = this.#ctx.catalog.byKind({ ...gv, kind: ref.kind });
    if (!def) return true; // an owner kind this server does not know: leave the dependent alone
    // A cluster-scoped dependent naming a namespaced owner is unresolvable: never collected.
    if (def.namespaced && dep.meta.namespace === undefined) return true;
    try {
      const live = await this.#ops.get(def, def.namespaced ? dep.meta.namespace : undefined, ref.name);
      return live.metadata.uid === ref.uid;
    } catch (err) {
      if (isTransient(err)) return false;
      throw err;
    }
  }

  async #checkOwners(dep: Node, nodes: Map<string, Node>): Promise<void> {
    const refs = dep.meta.ownerReferences ?? [];
    const alive: OwnerReference[] = [];
    for (const ref of refs) if (await this.#ownerExists(dep, ref, nodes)) alive.push(ref);
    if (alive.length === refs.length) return;
    const name = dep.meta.name as string;
    if (alive.length === 0) {
      if (dep.meta.deletionTimestamp !== undefined) return;
      await this.#ops.delete(dep.def, dep.meta.namespace, name, {
        ...this.#write(),
        propagationPolicy: "Background",
        preconditions: { uid: dep.meta.uid as string },
      });
      return;
    }
    await this.#updateSeen(dep, (next) => {
      next.metadata.ownerReferences = alive;
    });
  }
}
