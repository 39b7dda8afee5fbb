// The rules of Kubernetes' default ClusterRoles (bootstrappolicy, as served by 1.32) that Skiff
// creates: the user-facing admin/edit/view built by aggregation from system:aggregate-to-*,
// cluster-admin, and the discovery/basic-user/public-info roles every client needs.

export interface RuleSpec {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function rule(verbs: string[], group: string, resources: string[]): RuleSpec {
  return { apiGroups: [group], resources, verbs };
}

export const CLUSTER_ADMIN_RULES: RuleSpec[] = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

export const AGGREGATE_TO_ADMIN_RULES: RuleSpec[] = [
  rule(["create"], "authorization.k8s.io", ["localsubjectaccessreviews"]),
  rule(READ_WRITE, "rbac.authorization.k8s.io", ["rolebindings", "roles"]),
];

export const AGGREGATE_TO_EDIT_RULES: RuleSpec[] = [
  rule(READ, "", ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
  rule(["impersonate"], "", ["serviceaccounts"]),
  rule(WRITE, "", ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
  rule(["create"], "", ["pods/eviction"]),
  rule(WRITE, "", [
    "configmaps",
    "events",
    "persistentvolumeclaims",
    "replicationcontrollers",
    "replicationcontrollers/scale",
    "secrets",
    "serviceaccounts",
    "services",
    "services/proxy",
  ]),
  rule(["create"], "", ["serviceaccounts/token"]),
  rule(WRITE, "apps", [
    "daemonsets",
    "deployments",
    "deployments/rollback",
    "deployments/scale",
    "replicasets",
    "replicasets/scale",
    "statefulsets",
    "statefulsets/scale",
  ]),
  rule(WRITE, "autoscaling", ["horizontalpodautoscalers"]),
  rule(WRITE, "batch", ["cronjobs", "jobs"]),
  rule(WRITE, "extensions", [
    "daemonsets",
    "deployments",
    "deployments/rollback",
    "deployments/scale",
    "ingresses",
    "networkpolicies",
    "replicasets",
    "replicasets/scale",
    "replicationcontrollers/scale",
  ]),
  rule(WRITE, "policy", ["poddisruptionbudgets"]),
  rule(WRITE, "networking.k8s.io", ["ingresses", "networkpolicies"]),
];

export const AGGREGATE_TO_VIEW_RULES: RuleSpec[] = [
  rule(READ, "", [
    "configmaps",
    "endpoints",
    "persistentvolumeclaims",
    "persistentvolumeclaims/status",
    "pods",
    "replicationcontrollers",
    "replicationcontrollers/scale",
    "serviceaccounts",
    "services",
    "services/status",
  ]),
  rule(READ, "", [
    "bindings",
    "events",
    "limitranges",
    "namespaces/status",
    "pods/log",
    "pods/status",
    "replicationcontrollers/status",
    "resourcequotas",
    "resourcequotas/status",
  ]),
  rule(READ, "", ["namespaces"]),
  rule(READ, "discovery.k8s.io", ["endpointslices"]),
  rule(READ, "apps", [
    "controllerrevisions",
    "daemonsets",
    "daemonsets/status",
    "deployments",
    "deployments/scale",
    "deployments/status",
    "replicasets",
    "replicasets/scale",
    "replicasets/status",
    "statefulsets",
    "statefulsets/scale",
    "statefulsets/status",
  ]),
  rule(READ, "autoscaling", ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
  rule(READ, "batch", ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
  rule(READ, "extensions", [
    "daemonsets",
    "daemonsets/status",
    "deployments",
    "deployments/scale",
    "deployments/status",
    "ingresses",
    "ingresses/status",
    "networkpolicies",
    "replicasets",
    "replicasets/scale",
    "replicasets/status",
    "replicationcontrollers/scale",
  ]),
  rule(READ, "policy", ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
  rule(READ, "networking.k8s.io", ["ingresses", "ingresses/status", "networkpolicies"]),
];

export const DISCOVERY_RULES: RuleSpec[] = [
  {
    nonResourceURLs: [
      "/api",
      "/api/*",
      "/apis",
      "/apis/*",
      "/healthz",
      "/livez",
      "/openapi",
      "/openapi/*",
      "/readyz",
      "/version",
      "/version/",
    ],
    verbs: ["get"],
  },
];

export const BASIC_USER_RULES: RuleSpec[] = [
  rule(["create"], "authorization.k8s.io", ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
  rule(["create"], "authentication.k8s.io", ["selfsubjectreviews"]),
];

export const PUBLIC_INFO_VIEWER_RULES: RuleSpec[] = [
  { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
];

/**
 * Kubernetes' `system:node` (bootstrappolicy NodeRules) for the node agents: register their
 * Node and report its status, renew their Lease, follow and report the pods bound to them,
 * delete the pods they finished terminating, write Events. Kubernetes narrows these per node
 * with its Node authorizer, which Skiff does not have; so Secrets are `get` only (what a pod
 * references is read by name; a node cannot enumerate the cluster's secrets).
 */
export const NODE_RULES: RuleSpec[] = [
  rule(["create"], "authorization.k8s.io", ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(READ, "", ["services"]),
  rule(["create", "get", "list", "watch", "update", "patch"], "", ["nodes"]),
  rule(["update", "patch"], "", ["nodes/status"]),
  rule(["create", "update", "patch"], "", ["events"]),
  rule(["create", "update", "patch"], "events.k8s.io", ["events"]),
  rule(READ, "", ["pods"]),
  rule(["create", "delete"], "", ["pods"]),
  rule(["update", "patch"], "", ["pods/status"]),
  rule(["create"], "", ["pods/eviction"]),
  rule(READ, "", ["configmaps"]),
  rule(["get"], "", ["secrets"]),
  rule(["get"], "", ["persistentvolumeclaims", "persistentvolumes", "endpoints"]),
  rule(["create"], "", ["serviceaccounts/token"]),
  rule(["get", "create", "update", "patch", "delete"], "coordination.k8s.io", ["leases"]),
];

/** kubeadm's cluster-info reader: anyone may read the CA a joining node pins by its hash. */
export const CLUSTER_INFO_READER_RULES: RuleSpec[] = [
  { apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] },
];
