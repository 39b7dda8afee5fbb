// The parts of RBAC objects the authorizer reads, taken out of plain JSON defensively: a
// malformed stored object must make its rules or subjects empty, never crash a request.
import type { KubeObject } from "../types.js";

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace: string;
}

export interface RoleRef {
  kind: string;
  name: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function rulesOf(role: KubeObject): PolicyRule[] {
  const rules = Array.isArray(role.rules) ? role.rules : [];
  return rules.map((r) => {
    const rule = record(r);
    return {
      verbs: strings(rule.verbs),
      apiGroups: strings(rule.apiGroups),
      resources: strings(rule.resources),
      resourceNames: strings(rule.resourceNames),
      nonResourceURLs: strings(rule.nonResourceURLs),
    };
  });
}

export function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
  return subjects.map((s) => {
    const subject = record(s);
    return { kind: str(subject.kind), name: str(subject.name), namespace: str(subject.namespace) };
  });
}

export function roleRefOf(binding: KubeObject): RoleRef {
  const ref = record(binding.roleRef);
  return { kind: str(ref.kind), name: str(ref.name) };
}

/** The clusterRoleSelectors of an aggregated ClusterRole, or undefined when it aggregates nothing. */
export function aggregationSelectorsOf(role: KubeObject): LabelSelector[] | undefined {
  const rule = role.aggregationRule;
  if (rule === undefined || rule === null) return undefined;
  const selectors = record(rule).clusterRoleSelectors;
  return Array.isArray(selectors) ? selectors.map((s) => record(s) as LabelSelector) : [];
}
