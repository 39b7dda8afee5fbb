// ClusterRole aggregation: an aggregated ClusterRole's rules are the rules of every other
// ClusterRole its selectors match, resolved through chains (admin ← edit ← view). Kubernetes
// has a controller write them into the role; with no such controller here the authorizer
// resolves them when it reads the role, with the same result.
import type { KubeObject } from "../types.js";
import { aggregationSelectorsOf, rulesOf, type PolicyRule } from "./rbac-types.js";
import { selectorMatches } from "./rbac-rules.js";

/** The effective rules of `role` among `all` ClusterRoles. */
export function effectiveClusterRoleRules(role: KubeObject, all: readonly KubeObject[]): PolicyRule[] {
  return resolve(role, all, new Set());
}

function resolve(role: KubeObject, all: readonly KubeObject[], visiting: Set<string>): PolicyRule[] {
  const selectors = aggregationSelectorsOf(role);
  if (selectors === undefined) return rulesOf(role);
  const name = role.metadata.name ?? "";
  visiting.add(name);
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  // The controller visits roles by name, so the order of the result is stable.
  const sorted = [...all].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  for (const other of sorted) {
    const otherName = other.metadata.name ?? "";
    if (visiting.has(otherName)) continue;
    const labels = other.metadata.labels ?? {};
    if (!selectors.some((s) => selectorMatches(s, labels))) continue;
    for (const rule of resolve(other, all, visiting)) {
      const key = JSON.stringify(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      rules.push(rule);
    }
  }
  visiting.delete(name);
  return rules;
}
