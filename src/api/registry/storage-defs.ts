// One ResourceDef per stored resource (served versions of one resource share storage): what
// the registry's own loops list when they need every object.
import type { ResourceCatalog, ResourceDef } from "./deps.js";
import { resourcePrefix } from "./keys.js";

export function storageDefs(catalog: ResourceCatalog): ResourceDef[] {
  const byPrefix = new Map<string, ResourceDef>();
  for (const def of catalog.all()) {
    const prefix = resourcePrefix(def);
    const seen = byPrefix.get(prefix);
    if (!seen || (seen.version !== seen.storageVersion && def.version === def.storageVersion))
      byPrefix.set(prefix, def);
  }
  return [...byPrefix.values()];
}
