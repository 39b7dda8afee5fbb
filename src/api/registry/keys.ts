// Storage keys: `/registry/<group or "core">/<resource>/<namespace>/<name>` for namespaced kinds,
// `/registry/<group or "core">/<resource>/<name>` for cluster-scoped ones. Nothing else builds keys.

interface KeyedDef {
  group: string;
  resource: string;
  namespaced: boolean;
  /** The group whose storage holds the objects (events.k8s.io Events live with core Events). */
  storageGroup?: string;
}

function storageGroup(def: KeyedDef): string {
  const group = def.storageGroup ?? def.group;
  return group === "" ? "core" : group;
}

/** Whether the resource's objects are stored in another group's form (converted on every read). */
export function storedElsewhere(def: KeyedDef): boolean {
  return def.storageGroup !== undefined && def.storageGroup !== def.group;
}

/** The prefix of every key of this resource (all namespaces). */
export function resourcePrefix(def: KeyedDef): string {
  return `/registry/${storageGroup(def)}/${def.resource}/`;
}

/** The prefix of the keys a list or watch reads: one namespace, or all of them. */
export function scopePrefix(def: KeyedDef, namespace: string | undefined): string {
  const base = resourcePrefix(def);
  return def.namespaced && namespace !== undefined && namespace !== "" ? `${base}${namespace}/` : base;
}

export function objectKey(def: KeyedDef, namespace: string | undefined, name: string): string {
  if (!def.namespaced) return `${resourcePrefix(def)}${name}`;
  if (namespace === undefined || namespace === "") throw new Error(`a namespaced key needs a namespace`);
  return `${resourcePrefix(def)}${namespace}/${name}`;
}

/** Namespace and name of a key under `resourcePrefix(def)`. */
export function parseKey(def: KeyedDef, key: string): { namespace?: string; name: string } {
  const rest = key.slice(resourcePrefix(def).length);
  if (!def.namespaced) return { name: rest };
  const slash = rest.indexOf("/");
  return { namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** The key of a core Namespace object (namespaced creates check it exists). */
export function namespaceKey(name: string): string {
  return `/registry/core/namespaces/${name}`;
}
