// The slice of ApiRegistry the background loops use (kept structural to avoid an import cycle).
import type { KubeList, KubeObject } from "../types.js";
import type { ResourceDef } from "./deps.js";
import type { LazyList } from "./list-stream.js";
import type { DeleteOptions, ListOptions, WriteOptions } from "./options.js";

export interface RegistryOps {
  get(def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(def: ResourceDef, namespace: string | undefined, o: ListOptions): Promise<KubeList>;
  /** The same, items made as they are iterated (a pass over everything holds little). */
  listLazily(def: ResourceDef, namespace: string | undefined, o: ListOptions): Promise<LazyList>;
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    o: WriteOptions,
  ): Promise<KubeObject>;
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    o: WriteOptions & DeleteOptions,
  ): Promise<KubeObject>;
}

/** NotFound / Conflict: the object moved on; the next level-triggered pass looks again. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error) || !("reason" in err)) return false;
  return err.reason === "NotFound" || err.reason === "Conflict";
}
