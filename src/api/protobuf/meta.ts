// k8s.io/apimachinery meta/v1 messages (field numbers of apimachinery's generated.proto).
import { bool, field, i64, msg, msgs, str, strMap, strs, type MessageDef } from "./schema.js";

export const OwnerReference: MessageDef = {
  1: str("kind"),
  3: str("name"),
  4: str("uid"),
  5: str("apiVersion"),
  6: bool("controller", { pointer: true }),
  7: bool("blockOwnerDeletion", { pointer: true }),
};

export const ManagedFieldsEntry: MessageDef = {
  1: str("manager"),
  2: str("operation"),
  3: str("apiVersion"),
  4: field("time", "time"),
  6: str("fieldsType"),
  7: field("fieldsV1", "rawExtension"),
  8: str("subresource"),
};

export const ObjectMeta: MessageDef = {
  1: str("name"),
  2: str("generateName"),
  3: str("namespace"),
  4: str("selfLink"),
  5: str("uid"),
  6: str("resourceVersion"),
  7: i64("generation"),
  8: field("creationTimestamp", "time"),
  9: field("deletionTimestamp", "time"),
  10: i64("deletionGracePeriodSeconds", { pointer: true }),
  11: strMap("labels"),
  12: strMap("annotations"),
  13: msgs("ownerReferences", () => OwnerReference),
  14: strs("finalizers"),
  17: msgs("managedFields", () => ManagedFieldsEntry),
};

export const LabelSelectorRequirement: MessageDef = { 1: str("key"), 2: str("operator"), 3: strs("values") };

export const LabelSelector: MessageDef = {
  1: strMap("matchLabels"),
  2: msgs("matchExpressions", () => LabelSelectorRequirement),
};

export const Condition: MessageDef = {
  1: str("type"),
  2: str("status"),
  3: i64("observedGeneration"),
  4: field("lastTransitionTime", "time"),
  5: str("reason"),
  6: str("message"),
};

/** `metadata` as field 1, the usual first field of every object. */
export const metadata = () => msg("metadata", () => ObjectMeta);
