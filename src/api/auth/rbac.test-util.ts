// In-memory RBAC objects for the authorizer's tests.
import type { KubeObject } from "../types.js";
import type { RbacSource } from "./rbac.js";

type Rule = Record<string, string[]>;
type SubjectSpec = { kind: string; name: string; namespace?: string };

export function role(
  name: string,
  rules: Rule[],
  namespace?: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: namespace === undefined ? "ClusterRole" : "Role",
    metadata: { name, ...(namespace !== undefined && { namespace }) },
    rules,
    ...extra,
  };
}

export function binding(
  name: string,
  roleRef: { kind: string; name: string },
  subjects: SubjectSpec[],
  namespace?: string,
): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: namespace === undefined ? "ClusterRoleBinding" : "RoleBinding",
    metadata: { name, ...(namespace !== undefined && { namespace }) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
    subjects,
  };
}

/** A source over a flat list of RBAC objects, split by kind and namespace. */
export function memorySource(objects: KubeObject[]): RbacSource {
  const of = (kind: string, ns?: string): KubeObject[] =>
    objects.filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns));
  return {
    clusterRoles: () => of("ClusterRole"),
    clusterRoleBindings: () => of("ClusterRoleBinding"),
    roles: (ns) => Promise.resolve(of("Role", ns)),
    roleBindings: (ns) => Promise.resolve(of("RoleBinding", ns)),
  };
}
