// What every registry operation is given: the store, the catalog, the clock, patch functions.
import type { Logger } from "pino";
import type { AdmissionOptions } from "./admission.js";
import type { NamespaceState } from "./namespace-gate.js";
import type { UserInfo } from "./options.js";
import type { PatchOps, ResourceCatalog, Store } from "./deps.js";

export interface RegistryContext {
  readonly store: Store;
  readonly catalog: ResourceCatalog;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** patch/'s functions; without them patches fail and managedFields are not tracked. */
  readonly patch: PatchOps | undefined;
  /** The identity the registry's own loops (GC, namespace deletion) write as. */
  readonly systemUser: UserInfo;
  /** Mutating admission (default tolerations of pods). */
  readonly admission: AdmissionOptions;
  /** A namespace's state when known without a store read (namespace-gate.ts); else undefined. */
  readonly namespaceState?: (name: string) => NamespaceState | undefined;
}
