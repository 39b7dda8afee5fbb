// Rule and subject matching exactly as Kubernetes' RBAC (plugin/pkg/auth/authorizer/rbac):
// `*` wildcards for verbs, groups and resources, `resource/subresource` and `*/subresource`,
// resourceNames only restricting named requests, nonResourceURLs with a trailing `*` prefix.
import type { UserInfo } from "./user.js";
import type { LabelSelector, PolicyRule, Subject } from "./rbac-types.js";
import { serviceAccountUser } from "./sa-token.js";

/** The request parts the rules look at (Kubernetes' authorizer.Attributes). */
export interface RuleRequest {
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

const ALL = "*";

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === ALL || g === group);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === "" ? resource : `${resource}/${subresource}`;
  return rule.resources.some(
    (r) =>
      r === ALL ||
      r === combined ||
      (subresource !== "" && r.length === subresource.length + 2 && r === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some(
    (u) => u === ALL || u === path || (u.endsWith(ALL) && path.startsWith(u.slice(0, -1))),
  );
}

/** Whether one rule grants the request. */
export function ruleAllows(rule: PolicyRule, r: RuleRequest): boolean {
  if (!verbMatches(rule, r.verb)) return false;
  if (!r.resourceRequest) return nonResourceUrlMatches(rule, r.path);
  return (
    apiGroupMatches(rule, r.apiGroup) &&
    resourceMatches(rule, r.resource, r.subresource) &&
    resourceNameMatches(rule, r.name)
  );
}

/**
 * Whether a binding's subject names the user. A ServiceAccount subject without a namespace means
 * the binding's own namespace (`bindingNamespace`, "" for ClusterRoleBindings: never matches).
 */
export function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case "User":
      return s.name === user.name;
    case "Group":
      return user.groups.includes(s.name);
    case "ServiceAccount": {
      const namespace = s.namespace !== "" ? s.namespace : bindingNamespace;
      return namespace !== "" && user.name === serviceAccountUser(namespace, s.name);
    }
    default:
      return false;
  }
}

/** metav1.LabelSelector semantics: an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key] ?? "")) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key] ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
