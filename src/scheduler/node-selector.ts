// Node selector terms against a node's labels and name, with the operators and error rules of
// Kubernetes' nodeaffinity helper: terms are ORed, requirements inside a term ANDed, an empty or
// invalid term matches nothing.
import type { NodeSelectorRequirement, NodeSelectorTerm } from "./types.js";

const INT_RE = /^[+-]?\d+$/;

/** Whether one label requirement holds; undefined when the requirement is invalid. */
function labelRequirement(
  r: NodeSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean | undefined {
  const values = r.values ?? [];
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case "In":
      if (values.length === 0) return undefined;
      return has && values.includes(value as string);
    case "NotIn":
      if (values.length === 0) return undefined;
      return !has || !values.includes(value as string);
    case "Exists":
      if (values.length !== 0) return undefined;
      return has;
    case "DoesNotExist":
      if (values.length !== 0) return undefined;
      return !has;
    case "Gt":
    case "Lt": {
      const [bound] = values;
      if (values.length !== 1 || bound === undefined || !INT_RE.test(bound)) return undefined;
      if (!has || !INT_RE.test(value as string)) return false;
      const n = BigInt(value as string);
      return r.operator === "Gt" ? n > BigInt(bound) : n < BigInt(bound);
    }
    default:
      return undefined;
  }
}

/** matchFields: only metadata.name, In or NotIn with exactly one value. */
function fieldRequirement(r: NodeSelectorRequirement, nodeName: string): boolean | undefined {
  const values = r.values ?? [];
  if (r.key !== "metadata.name" || values.length !== 1) return undefined;
  if (r.operator === "In") return values[0] === nodeName;
  if (r.operator === "NotIn") return values[0] !== nodeName;
  return undefined;
}

export function termMatches(
  term: NodeSelectorTerm,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  for (const r of expressions) if (labelRequirement(r, labels) !== true) return false;
  for (const r of fields) if (fieldRequirement(r, nodeName) !== true) return false;
  return true;
}

/** Any of `terms` matches (an empty list matches nothing). */
export function anyTermMatches(
  terms: readonly NodeSelectorTerm[],
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  return terms.some((t) => termMatches(t, labels, nodeName));
}

/** spec.nodeSelector: every key=value present on the node. */
export function selectorMatches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}
