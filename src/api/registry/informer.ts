// A list+watch cache of one resource (client-go's informer): list, then watch from the list's
// resourceVersion, re-listing whenever the watch ends or expires; handlers hear every change.
import type { Logger } from "pino";
import type { KubeObject, WatchEvent } from "../types.js";
import type { ResourceDef } from "./deps.js";
import type { ListOptions, WatchOptions } from "./options.js";
import type { KubeList } from "../types.js";

export interface ListWatcher {
  list(def: ResourceDef, namespace: string | undefined, o: ListOptions): Promise<KubeList>;
  watch(
    def: ResourceDef,
    namespace: string | undefined,
    o: WatchOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent>;
}

export type InformerHandler = (type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject) => void;

const RETRY_MS = 1000;

export class Informer {
  readonly #source: ListWatcher;
  readonly #def: ResourceDef;
  readonly #namespace: string | undefined;
  readonly #logger: Logger;
  readonly #items = new Map<string, KubeObject>();
  readonly #handlers = new Set<InformerHandler>();
  readonly #abort = new AbortController();
  #synced: Promise<void>;
  #markSynced: () => void = () => {};

  constructor(o: { source: ListWatcher; def: ResourceDef; namespace?: string; logger: Logger }) {
    this.#source = o.source;
    this.#def = o.def;
    this.#namespace = o.namespace;
    this.#logger = o.logger;
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  /** Resolves once the first list is in. */
  get synced(): Promise<void> {
    return this.#synced;
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#abort.abort();
  }

  onChange(handler: InformerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** The cached objects (shared: do not mutate). */
  items(): KubeObject[] {
    return [...this.#items.values()];
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#items.get(keyOf(namespace, name));
  }

  #emit(type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject): void {
    for (const h of this.#handlers) {
      try {
        h(type, obj);
      } catch (err) {
        this.#logger.warn({ err, resource: this.#def.resource }, "informer handler failed");
      }
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        const list = await this.#source.list(this.#def, this.#namespace, {});
        this.#replace(list.items);
        this.#markSynced();
        await this.#follow(list.metadata.resourceVersion ?? "0", signal);
      } catch (err) {
        if (signal.aborted) return;
        this.#logger.warn({ err, resource: this.#def.resource }, "informer: list/watch failed; retrying");
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
  }

  #replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = keyOf(obj.metadata.namespace, obj.metadata.name ?? "");
      seen.add(key);
      const had = this.#items.get(key);
      this.#items.set(key, obj);
      if (!had) this.#emit("ADDED", obj);
      else if (had.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit("MODIFIED", obj);
    }
    for (const [key, obj] of this.#items) {
      if (!seen.has(key)) {
        this.#items.delete(key);
        this.#emit("DELETED", obj);
      }
    }
  }

  async #follow(resourceVersion: string, signal: AbortSignal): Promise<void> {
    const o: WatchOptions = {
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    };
    for await (const ev of this.#source.watch(this.#def, this.#namespace, o, signal)) {
      if (ev.type === "ERROR" || ev.type === "BOOKMARK") {
        if (ev.type === "ERROR") return; // expired: re-list
        continue;
      }
      const key = keyOf(ev.object.metadata.namespace, ev.object.metadata.name ?? "");
      if (ev.type === "DELETED") this.#items.delete(key);
      else this.#items.set(key, ev.object);
      this.#emit(ev.type, ev.object);
    }
  }
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
