// One predicate per list/watch request: namespace-free label and field selection of objects.
import type { KubeObject } from "../types.js";
import type { ResourceDef } from "./deps.js";
import { parseFieldSelector, parseLabelSelector } from "./selectors.js";

export interface ObjectFilter {
  /** True when no selector was given (every object of the scope matches). */
  readonly everything: boolean;
  matches(obj: KubeObject): boolean;
}

/** The field labels a resource supports: metadata.name, metadata.namespace and its own. */
export function fieldLabels(def: ResourceDef): Set<string> {
  return new Set(["metadata.name", "metadata.namespace", ...Object.keys(def.fieldSelectors)]);
}

function fieldValue(def: ResourceDef, obj: KubeObject, field: string): string | undefined {
  if (field === "metadata.name") return obj.metadata.name;
  if (field === "metadata.namespace") return obj.metadata.namespace;
  return def.fieldSelectors[field]?.(obj);
}

/** Parses both selectors (BadRequest on bad syntax or an unsupported field label). */
export function objectFilter(
  def: ResourceDef,
  o: { labelSelector?: string; fieldSelector?: string },
): ObjectFilter {
  const labels = parseLabelSelector(o.labelSelector);
  const fields = parseFieldSelector(o.fieldSelector, fieldLabels(def));
  const everything = labels.requirements.length === 0 && fields.requirements.length === 0;
  return {
    everything,
    matches(obj) {
      if (everything) return true;
      return labels.matches(obj.metadata.labels) && fields.matches((f) => fieldValue(def, obj, f));
    },
  };
}
