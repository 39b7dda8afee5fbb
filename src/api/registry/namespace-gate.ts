// Whether a namespace takes new objects, answered from a watch of the namespaces instead of a
// store read per namespaced create (as kube-apiserver's NamespaceLifecycle admission reads its
// informer): on etcd that read was half of a create's round trips. An answer is given only when
// it holds for every namespace write this server has made; otherwise the store is read.
import type { Logger } from "pino";
import type { KubeObject } from "../types.js";
import type { Store } from "./deps.js";
import { namespaceKey } from "./keys.js";

const PREFIX = namespaceKey("");
const RETRY_MS = 1000;

export interface NamespaceState {
  terminating: boolean;
}

/** From a stored Namespace: terminating once it has a deletionTimestamp or that phase. */
export function namespaceStateOf(value: Buffer): NamespaceState {
  const ns = JSON.parse(value.toString("utf8")) as KubeObject;
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return { terminating: ns.metadata.deletionTimestamp !== undefined || phase === "Terminating" };
}

export class NamespaceGate {
  readonly #store: Store;
  readonly #logger: Logger;
  #states = new Map<string, NamespaceState>();
  /** The revision the states are at (a list's, then each applied event's). */
  #applied = 0;
  #synced = false;
  /** Namespaces this server is writing or wrote that the states may not show yet (count of writes). */
  readonly #pending = new Map<string, number>();
  #relisting: Promise<void> = Promise.resolve();
  #abort: AbortController | undefined;

  constructor(o: { store: Store; logger: Logger }) {
    this.#store = o.store;
    this.#logger = o.logger;
  }

  /**
   * The namespace's state, or undefined when it must be read from the store: not following yet,
   * one of this server's writes to it not seen yet, or not known (it may be newer than the watch).
   */
  lookup(name: string): NamespaceState | undefined {
    if (this.#abort === undefined) this.#start();
    if (!this.#synced || this.#pending.has(name)) return undefined;
    return this.#states.get(name);
  }

  /** `store` with its namespace writes reported here (the registry writes through it). */
  tracking(store: Store): Store {
    const wrote = <T>(key: string, write: Promise<T>): Promise<T> => {
      if (!key.startsWith(PREFIX)) return write;
      // Marked before the write starts, and relisted after it ends whatever its outcome (an
      // error may come after etcd applied it): until then this name is read from the store.
      const name = key.slice(PREFIX.length);
      this.#pending.set(name, (this.#pending.get(name) ?? 0) + 1);
      return write.finally(() => this.#relist(name));
    };
    return {
      currentRevision: () => store.currentRevision(),
      get: (key) => store.get(key),
      list: (prefix, o) => store.list(prefix, o),
      create: (key, value) => wrote(key, store.create(key, value)),
      update: (key, value, rev) => wrote(key, store.update(key, value, rev)),
      delete: (key, rev) => wrote(key, store.delete(key, rev)),
      watch: (prefix, after, signal, opts) => store.watch(prefix, after, signal, opts),
      close: () => store.close(),
    };
  }

  stop(): void {
    this.#abort?.abort();
  }

  #start(): void {
    const abort = new AbortController();
    this.#abort = abort;
    void this.#follow(abort.signal);
  }

  async #follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.#synced = false;
        await this.#list();
        this.#synced = true;
        const events = this.#store.watch(PREFIX, this.#applied, signal, { prevValues: false });
        for await (const ev of events) {
          // A relist may have read past this event already.
          if (ev.modRevision <= this.#applied) continue;
          const name = ev.key.slice(PREFIX.length);
          if (ev.type === "put") this.#states.set(name, namespaceStateOf(ev.value));
          else this.#states.delete(name);
          this.#applied = ev.modRevision;
        }
      } catch (err) {
        if (signal.aborted) break;
        this.#logger.warn({ err }, "namespace gate: watch failed; relisting");
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
    this.#synced = false;
  }

  /** The states as a fresh read has them (when it is newer than what the watch applied). */
  async #list(): Promise<void> {
    const listed = await this.#store.list(PREFIX);
    if (listed.revision < this.#applied) return;
    this.#states = new Map(listed.items.map((o) => [o.key.slice(PREFIX.length), namespaceStateOf(o.value)]));
    this.#applied = listed.revision;
  }

  /**
   * After a write of `name` ended: a list started now sees it (or the watch already applied a
   * later revision, which then includes it), so the name is answered from the states again.
   */
  #relist(name: string): void {
    const done = (): void => {
      const n = (this.#pending.get(name) ?? 1) - 1;
      if (n > 0) this.#pending.set(name, n);
      else this.#pending.delete(name);
    };
    // Not following (not started or stopped): the next start lists afresh anyway.
    if (this.#abort === undefined || this.#abort.signal.aborted) return done();
    this.#relisting = this.#relisting
      .then(() => this.#list())
      .then(done, (err: unknown) => {
        // The name stays pending: it is read from the store from now on, which is always right.
        this.#logger.warn({ err, namespace: name }, "namespace gate: relist failed");
      });
  }
}
