// The RBAC authorizer: walks the ClusterRoleBindings, then the RoleBindings of the request's
// namespace, and allows on the first rule of a bound role that grants the request, naming that
// binding in the reason as Kubernetes does. Role lookups that fail are collected into the
// denial's reason (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
import type { KubeObject } from "../types.js";
import { effectiveClusterRoleRules } from "./rbac-aggregate.js";
import { ruleAllows, subjectMatches, type RuleRequest } from "./rbac-rules.js";
import { roleRefOf, rulesOf, subjectsOf, type PolicyRule, type Subject } from "./rbac-types.js";
import type { UserInfo } from "./user.js";

type MaybePromise<T> = T | Promise<T>;

/**
 * Where the authorizer reads RBAC objects (the registry implements it over a cache). Items are
 * Role/ClusterRole/RoleBinding/ClusterRoleBinding objects as stored; the single-object getters
 * are optional shortcuts.
 */
export interface RbacSource {
  clusterRoles(): MaybePromise<KubeObject[]>;
  clusterRoleBindings(): MaybePromise<KubeObject[]>;
  roles(namespace: string): MaybePromise<KubeObject[]>;
  roleBindings(namespace: string): MaybePromise<KubeObject[]>;
  clusterRole?(name: string): MaybePromise<KubeObject | undefined>;
  role?(namespace: string, name: string): MaybePromise<KubeObject | undefined>;
}

/** Kubernetes' authorizer.Attributes. */
export interface RequestAttributes extends RuleRequest {
  user: UserInfo;
  namespace: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") {
    return `${s.kind} "${s.name}/${s.namespace !== "" ? s.namespace : bindingNamespace}"`;
  }
  return `${s.kind} "${s.name}"`;
}

/** `ClusterRoleBinding "x" of ClusterRole "y" to Group "z"` / `RoleBinding "x/ns" of Role ...`. */
function describeBinding(binding: KubeObject, subject: Subject): string {
  const ref = roleRefOf(binding);
  const namespace = binding.metadata.namespace ?? "";
  const name = binding.metadata.name ?? "";
  const what = namespace === "" ? `ClusterRoleBinding "${name}"` : `RoleBinding "${name}/${namespace}"`;
  return `${what} of ${ref.kind} "${ref.name}" to ${describeSubject(subject, namespace)}`;
}

/** Go's utilerrors.NewAggregate(...).Error(): one message alone, several as `[a, b]`. */
function aggregateErrors(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] ?? "") : `[${unique.join(", ")}]`;
}

export class RbacAuthorizer {
  readonly #source: RbacSource;

  constructor(source: RbacSource) {
    this.#source = source;
  }

  async authorize(a: RequestAttributes): Promise<Decision> {
    const errors: string[] = [];
    const clusterRoles = this.#clusterRolesOnce();
    const visits: [KubeObject[], string][] = [[await this.#source.clusterRoleBindings(), ""]];
    if (a.namespace !== "") visits.push([await this.#source.roleBindings(a.namespace), a.namespace]);
    for (const [bindings, namespace] of visits) {
      for (const binding of bindings) {
        const subject = subjectsOf(binding).find((s) => subjectMatches(s, a.user, namespace));
        if (!subject) continue;
        const rules = await this.#rulesOf(binding, namespace, clusterRoles);
        if (typeof rules === "string") {
          errors.push(rules);
          continue;
        }
        if (rules.some((r) => ruleAllows(r, a))) {
          return { allowed: true, reason: `RBAC: allowed by ${describeBinding(binding, subject)}` };
        }
      }
    }
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : "" };
  }

  /** Every rule that applies to `user` in `namespace` ("" for cluster-wide bindings only). */
  async rulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    const clusterRoles = this.#clusterRolesOnce();
    const visits: [KubeObject[], string][] = [[await this.#source.clusterRoleBindings(), ""]];
    if (namespace !== "") visits.push([await this.#source.roleBindings(namespace), namespace]);
    for (const [bindings, ns] of visits) {
      for (const binding of bindings) {
        if (!subjectsOf(binding).some((s) => subjectMatches(s, user, ns))) continue;
        const found = await this.#rulesOf(binding, ns, clusterRoles);
        if (typeof found === "string") errors.push(found);
        else rules.push(...found);
      }
    }
    return { rules, errors };
  }

  /** Reads the ClusterRoles at most once per decision, and only when a binding needs them. */
  #clusterRolesOnce(): () => Promise<KubeObject[]> {
    let read: Promise<KubeObject[]> | undefined;
    return () => (read ??= Promise.resolve(this.#source.clusterRoles()));
  }

  /** The rules a binding's roleRef grants, or the error text when the role cannot be read. */
  async #rulesOf(
    binding: KubeObject,
    namespace: string,
    clusterRoles: () => Promise<KubeObject[]>,
  ): Promise<PolicyRule[] | string> {
    const ref = roleRefOf(binding);
    if (ref.kind === "ClusterRole") {
      const all = await clusterRoles();
      const role = all.find((r) => r.metadata.name === ref.name);
      if (!role) return `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`;
      return effectiveClusterRoleRules(role, all);
    }
    if (ref.kind === "Role") {
      const role =
        namespace === ""
          ? undefined
          : this.#source.role
            ? await this.#source.role(namespace, ref.name)
            : (await this.#source.roles(namespace)).find((r) => r.metadata.name === ref.name);
      if (!role) return `role.rbac.authorization.k8s.io "${ref.name}" not found`;
      return rulesOf(role);
    }
    return `unsupported role reference kind: "${ref.kind}"`;
  }
}
