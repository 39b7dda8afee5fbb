// The default RBAC objects the API server creates at start (Kubernetes' bootstrap policy subset):
// ClusterRoles and the ClusterRoleBindings that give the admin everything, every authenticated
// user discovery and self-review, and everybody the health and version endpoints; nodes
// (join tokens) the `system:node` role, and anyone the cluster-info ConfigMap of kube-public.
import type { KubeObject } from "../types.js";
import {
  AGGREGATE_TO_ADMIN_RULES,
  AGGREGATE_TO_EDIT_RULES,
  AGGREGATE_TO_VIEW_RULES,
  BASIC_USER_RULES,
  CLUSTER_ADMIN_RULES,
  CLUSTER_INFO_READER_RULES,
  DISCOVERY_RULES,
  NODE_RULES,
  PUBLIC_INFO_VIEWER_RULES,
  type RuleSpec,
} from "./bootstrap-roles.js";
import { GROUP_NODES } from "./join-token-auth.js";
import { ANONYMOUS_USER, GROUP_AUTHENTICATED, GROUP_MASTERS, GROUP_UNAUTHENTICATED } from "./user.js";

const RBAC_API = "rbac.authorization.k8s.io/v1";
const RBAC_GROUP = "rbac.authorization.k8s.io";
const AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-";

function metadata(name: string, labels: Record<string, string> = {}): KubeObject["metadata"] {
  return {
    name,
    labels: { "kubernetes.io/bootstrapping": "rbac-defaults", ...labels },
    annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
  };
}

function clusterRole(
  name: string,
  rules: RuleSpec[],
  o: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: "ClusterRole",
    metadata: metadata(name, o.labels),
    ...(o.aggregateFrom !== undefined && {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE}${o.aggregateFrom}`]: "true" } }],
      },
    }),
    rules,
  };
}

function clusterRoleBinding(name: string, role: string, groups: string[]): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: "ClusterRoleBinding",
    metadata: metadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects: groups.map((g) => ({ apiGroup: RBAC_GROUP, kind: "Group", name: g })),
  };
}

/** kube-public's Role and RoleBinding letting anonymous clients read cluster-info (as kubeadm). */
function clusterInfoReader(): KubeObject[] {
  const name = "skiff:bootstrap-signer-clusterinfo";
  const namespace = "kube-public";
  return [
    {
      apiVersion: RBAC_API,
      kind: "Role",
      metadata: { ...metadata(name), namespace },
      rules: CLUSTER_INFO_READER_RULES,
    },
    {
      apiVersion: RBAC_API,
      kind: "RoleBinding",
      metadata: { ...metadata(name), namespace },
      roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name },
      subjects: [{ apiGroup: RBAC_GROUP, kind: "User", name: ANONYMOUS_USER }],
    },
  ];
}

/** Fresh copies of the default ClusterRoles, then the ClusterRoleBindings. */
export function bootstrapRbac(): KubeObject[] {
  const to = (role: string): Record<string, string> => ({ [`${AGGREGATE}${role}`]: "true" });
  const objects = [
    clusterRole("cluster-admin", CLUSTER_ADMIN_RULES),
    // Aggregated roles start empty; the authorizer fills them from the roles their selectors match.
    clusterRole("admin", [], { aggregateFrom: "admin" }),
    clusterRole("edit", [], { aggregateFrom: "edit", labels: to("admin") }),
    clusterRole("view", [], { aggregateFrom: "view", labels: to("edit") }),
    clusterRole("system:aggregate-to-admin", AGGREGATE_TO_ADMIN_RULES, { labels: to("admin") }),
    clusterRole("system:aggregate-to-edit", AGGREGATE_TO_EDIT_RULES, { labels: to("edit") }),
    clusterRole("system:aggregate-to-view", AGGREGATE_TO_VIEW_RULES, { labels: to("view") }),
    clusterRole("system:discovery", DISCOVERY_RULES),
    clusterRole("system:basic-user", BASIC_USER_RULES),
    clusterRole("system:public-info-viewer", PUBLIC_INFO_VIEWER_RULES),
    clusterRole("system:node", NODE_RULES),
    clusterRoleBinding("cluster-admin", "cluster-admin", [GROUP_MASTERS]),
    clusterRoleBinding("system:discovery", "system:discovery", [GROUP_AUTHENTICATED]),
    clusterRoleBinding("system:basic-user", "system:basic-user", [GROUP_AUTHENTICATED]),
    clusterRoleBinding("system:public-info-viewer", "system:public-info-viewer", [
      GROUP_AUTHENTICATED,
      GROUP_UNAUTHENTICATED,
    ]),
    clusterRoleBinding("system:node", "system:node", [GROUP_NODES]),
    ...clusterInfoReader(),
  ];
  return structuredClone(objects);
}
