// Namespace deletion: a Terminating namespace has everything in it deleted (all namespaced
// resources of the catalog); once nothing remains, its `kubernetes` finalizer is removed and
// the namespace goes with it.
import type { KubeObject } from "../types.js";
import type { RegistryContext } from "./context.js";
import type { ResourceDef } from "./deps.js";
import { isTransient, type RegistryOps } from "./internal-ops.js";
import { Loop } from "./loop.js";
import { clone } from "./object-util.js";
import { storageDefs } from "./storage-defs.js";

const FINALIZER = "kubernetes";
/** While a namespace terminates, look again this often (objects with finalizers may hold it). */
const TERMINATING_RECHECK_MS = 500;

export class NamespaceFinalizer {
  readonly #ops: RegistryOps;
  readonly #ctx: RegistryContext;
  readonly #loop: Loop;

  constructor(ops: RegistryOps, ctx: RegistryContext, resyncMs = 10_000) {
    this.#ops = ops;
    this.#ctx = ctx;
    this.#loop = new Loop({
      name: "namespace",
      pass: () => this.pass(),
      logger: ctx.logger,
      periodMs: resyncMs,
    });
  }

  start(): void {
    this.#loop.start();
  }

  poke(): void {
    this.#loop.poke();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  #write() {
    return { user: this.#ctx.systemUser, dryRun: false, fieldManager: "namespace-controller" };
  }

  /** One level-triggered pass over every terminating namespace. */
  async pass(): Promise<void> {
    const nsDef = this.#ctx.catalog.get("", "v1", "namespaces");
    if (!nsDef) return;
    const namespaces = await this.#ops.list(nsDef, undefined, {});
    let pending = false;
    for (const ns of namespaces.items) {
      if (ns.metadata.deletionTimestamp === undefined) continue;
      const done = await this.#finalize(nsDef, ns);
      pending ||= !done;
    }
    if (pending) this.#loop.poke(TERMINATING_RECHECK_MS);
  }

  /** Deletes the namespace's content; true when the namespace could be released. */
  async #finalize(nsDef: ResourceDef, ns: KubeObject): Promise<boolean> {
    const name = ns.metadata.name as string;
    let remaining = 0;
    for (const def of storageDefs(this.#ctx.catalog)) {
      if (!def.namespaced) continue;
      const list = await this.#ops.list(def, name, {});
      for (const item of list.items) {
        remaining++;
        if (item.metadata.deletionTimestamp !== undefined) continue;
        try {
          await this.#ops.delete(def, name, item.metadata.name as string, {
            ...this.#write(),
            propagationPolicy: "Background",
          });
        } catch (err) {
          if (!isTransient(err)) throw err;
        }
      }
    }
    if (remaining > 0) return false;
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    if (!(spec.finalizers ?? []).includes(FINALIZER)) return true;
    const next = clone(ns);
    next.spec = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== FINALIZER) };
    try {
      await this.#ops.update(nsDef, undefined, name, next, this.#write());
    } catch (err) {
      if (!isTransient(err)) throw err;
      return false;
    }
    return true;
  }
}
