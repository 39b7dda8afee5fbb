// The bodies POSTed to pods' create-only subresources in protobuf (client-go's typed clients
// send them so): policy/v1 Eviction (`kubectl drain`) and core/v1 Binding (a scheduler), and the
// DeleteOptions body of a typed client's DELETE (`kubectl drain --disable-eviction`).
import { metadata } from "./meta.js";
import { bool, i64, msg, str, strs, type MessageDef } from "./schema.js";

/** apimachinery meta/v1 DeleteOptions. */
export const DeleteOptions: MessageDef = {
  1: i64("gracePeriodSeconds", { pointer: true }),
  2: msg("preconditions", () => ({
    1: str("uid", { pointer: true }),
    2: str("resourceVersion", { pointer: true }),
  })),
  3: bool("orphanDependents", { pointer: true }),
  4: str("propagationPolicy", { pointer: true }),
  5: strs("dryRun"),
  6: bool("ignoreStoreReadErrorWithClusterBreakingPotential", { pointer: true }),
};

export const Eviction: MessageDef = {
  1: metadata(),
  2: msg("deleteOptions", () => DeleteOptions),
};

export const Binding: MessageDef = {
  1: metadata(),
  2: msg("target", () => ({
    1: str("kind"),
    2: str("namespace"),
    3: str("name"),
    4: str("uid"),
    5: str("apiVersion"),
    6: str("resourceVersion"),
    7: str("fieldPath"),
  })),
};
