// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { invalidValue, notSupported, required } from "./field-errors.js";
import { GoLiteral } from "./go-format.js";
import { listAt, objAt, strAt } from "./json.js";
import { isPathSegmentName } from "./names.js";
import { kindSchema, LabelSelector } from "./schema-meta.js";
import { atomicList, obj, str } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const group = "rbac.authorization.k8s.io";
const r = (n: string) => `io.k8s.api.rbac.v1.${n}`;

const PolicyRule = obj(
  {
    apiGroups: atomicList(
      str(),
      'The name of the APIGroup that contains the resources; "" is the core group, "*" all groups.',
    ),
    nonResourceURLs: atomicList(
      str(),
      "A set of partial urls that a user should have access to (ClusterRoles only).",
    ),
    resourceNames: atomicList(str(), "An optional white list of names that the rule applies to."),
    resources: atomicList(str(), "A list of resources this rule applies to; '*' represents all resources."),
    verbs: atomicList(
      str(),
      "A list of verbs that apply to ALL the ResourceKinds contained in this rule; '*' represents all verbs.",
    ),
  },
  {
    name: r("PolicyRule"),
    required: ["verbs"],
    d: "PolicyRule holds information that describes a policy rule.",
  },
);
const rules = atomicList(PolicyRule, "Rules holds all the PolicyRules for this Role.");

const Subject = obj(
  {
    apiGroup: str(
      'The API group of the referenced subject: "" for ServiceAccount, "rbac.authorization.k8s.io" for User and Group.',
    ),
    kind: str('Kind of object being referenced: "User", "Group" or "ServiceAccount".'),
    name: str("Name of the object being referenced."),
    namespace: str("Namespace of the referenced object (ServiceAccount only)."),
  },
  {
    name: r("Subject"),
    required: ["kind", "name"],
    mapType: "atomic",
    d: "A reference to a user, group or service account.",
  },
);
const RoleRef = obj(
  {
    apiGroup: str("The group for the resource being referenced."),
    kind: str("The type of resource being referenced."),
    name: str("The name of resource being referenced."),
  },
  {
    name: r("RoleRef"),
    required: ["apiGroup", "kind", "name"],
    mapType: "atomic",
    d: "Contains information that points to the role being used.",
  },
);

function validateRules(o: KubeObject, clusterScoped: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  listAt(o, "rules").forEach((rule, i) => {
    const p = `rules[${i}]`;
    if (listAt(rule, "verbs").length === 0)
      out.push(required(`${p}.verbs`, "verbs must contain at least one value"));
    const nonResource = listAt(rule, "nonResourceURLs");
    if (nonResource.length > 0) {
      if (!clusterScoped)
        out.push(
          invalidValue(
            `${p}.nonResourceURLs`,
            nonResource.map(String),
            "namespaced rules cannot apply to non-resource URLs",
          ),
        );
      if (listAt(rule, "apiGroups").length > 0 || listAt(rule, "resources").length > 0)
        out.push(
          invalidValue(
            `${p}.nonResourceURLs`,
            nonResource.map(String),
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      return;
    }
    if (listAt(rule, "apiGroups").length === 0)
      out.push(required(`${p}.apiGroups`, "resource rules must supply at least one api group"));
    if (listAt(rule, "resources").length === 0)
      out.push(required(`${p}.resources`, "resource rules must supply at least one resource"));
  });
  return out;
}

function validateBinding(o: KubeObject, old: KubeObject | undefined, namespaced: boolean): StatusCause[] {
  const out = validateObjectMeta(o, { namespaced, name: isPathSegmentName });
  if (old) out.push(...validateObjectMetaUpdate(o, old));
  const ref = objAt(o, "roleRef");
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const kind = strAt(ref, "kind");
  if (strAt(ref, "apiGroup") !== group)
    out.push(notSupported("roleRef.apiGroup", strAt(ref, "apiGroup") ?? "", [group]));
  if (!kind || !kinds.includes(kind)) out.push(notSupported("roleRef.kind", kind ?? "", kinds));
  if (!strAt(ref, "name")) out.push(required("roleRef.name"));
  if (old && JSON.stringify(objAt(old, "roleRef")) !== JSON.stringify(ref)) {
    const q = (k: string) => JSON.stringify(strAt(ref, k) ?? "");
    out.push(
      invalidValue(
        "roleRef",
        new GoLiteral(`rbac.RoleRef{APIGroup:${q("apiGroup")}, Kind:${q("kind")}, Name:${q("name")}}`),
        "cannot change roleRef",
      ),
    );
  }
  listAt(o, "subjects").forEach((s, i) => {
    const p = `subjects[${i}]`;
    const sk = strAt(s, "kind");
    if (!strAt(s, "name")) out.push(required(`${p}.name`));
    switch (sk) {
      case "ServiceAccount":
        if (strAt(s, "apiGroup")) out.push(notSupported(`${p}.apiGroup`, strAt(s, "apiGroup"), [""]));
        if (!namespaced && !strAt(s, "namespace")) out.push(required(`${p}.namespace`));
        break;
      case "User":
      case "Group":
        if (strAt(s, "apiGroup") !== group)
          out.push(notSupported(`${p}.apiGroup`, strAt(s, "apiGroup") ?? "", [group]));
        break;
      default:
        out.push(notSupported(`${p}.kind`, sk ?? "", ["ServiceAccount", "User", "Group"]));
    }
  });
  return out;
}

/** Users, Groups and ServiceAccounts cells of a binding's wide output. */
function subjectCells(o: KubeObject): string[] {
  const of = (kind: string) =>
    listAt(o, "subjects")
      .filter((s) => strAt(s, "kind") === kind)
      .map((s) =>
        kind === "ServiceAccount"
          ? `${strAt(s, "namespace") ?? ""}/${strAt(s, "name") ?? ""}`
          : (strAt(s, "name") ?? ""),
      )
      .join(", ");
  return [of("User"), of("Group"), of("ServiceAccount")];
}

const createdAt = {
  columns: [
    {
      name: "Name",
      type: "string",
      format: "name",
      description: "Name must be unique within a namespace.",
      priority: 0,
    },
    col(
      "Created At",
      "date",
      "CreationTimestamp is a timestamp representing the server time when this object was created.",
    ),
  ],
  cells: (o: KubeObject) => [o.metadata.name ?? "", o.metadata.creationTimestamp ?? ""],
};

const bindingColumns = [
  col("Role", "string", "RoleRef is the reference to the role."),
  col("Users", "string", "Users in the binding.", { wide: true }),
  col("Groups", "string", "Groups in the binding.", { wide: true }),
  col("ServiceAccounts", "string", "ServiceAccounts in the binding.", { wide: true }),
];
const bindingCells = (o: KubeObject) => [
  `${strAt(objAt(o, "roleRef"), "kind") ?? ""}/${strAt(objAt(o, "roleRef"), "name") ?? ""}`,
  ...subjectCells(o),
];

const roleGvk = { group, version: "v1", kind: "Role" };
export const roleDef = defineResource({
  ...roleGvk,
  resource: "roles",
  namespaced: true,
  schema: kindSchema(
    roleGvk,
    r("Role"),
    { rules },
    "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
  ),
  validate: (o, old) => [
    ...validateObjectMeta(o, { namespaced: true, name: isPathSegmentName }),
    ...(old ? validateObjectMetaUpdate(o, old) : []),
    ...validateRules(o, false),
  ],
  table: createdAt,
});

const clusterRoleGvk = { group, version: "v1", kind: "ClusterRole" };
export const clusterRoleDef = defineResource({
  ...clusterRoleGvk,
  resource: "clusterroles",
  namespaced: false,
  schema: kindSchema(
    clusterRoleGvk,
    r("ClusterRole"),
    {
      aggregationRule: obj(
        {
          clusterRoleSelectors: atomicList(
            LabelSelector,
            "A list of selectors which will be used to find ClusterRoles and create the rules.",
          ),
        },
        { name: r("AggregationRule") },
      ),
      rules,
    },
    "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
  ),
  validate: (o, old) => [
    ...validateObjectMeta(o, { namespaced: false, name: isPathSegmentName }),
    ...(old ? validateObjectMetaUpdate(o, old) : []),
    ...validateRules(o, true),
  ],
  table: createdAt,
});

const roleBindingGvk = { group, version: "v1", kind: "RoleBinding" };
export const roleBindingDef = defineResource({
  ...roleBindingGvk,
  resource: "rolebindings",
  namespaced: true,
  schema: kindSchema(
    roleBindingGvk,
    r("RoleBinding"),
    {
      roleRef: RoleRef,
      subjects: atomicList(Subject, "Subjects holds references to the objects the role applies to."),
    },
    "RoleBinding references a role, but does not contain it.",
    {
      required: ["roleRef"],
    },
  ),
  validate: (o, old) => validateBinding(o, old, true),
  columns: bindingColumns,
  cells: bindingCells,
});

const clusterRoleBindingGvk = { group, version: "v1", kind: "ClusterRoleBinding" };
export const clusterRoleBindingDef = defineResource({
  ...clusterRoleBindingGvk,
  resource: "clusterrolebindings",
  namespaced: false,
  schema: kindSchema(
    clusterRoleBindingGvk,
    r("ClusterRoleBinding"),
    {
      roleRef: RoleRef,
      subjects: atomicList(Subject, "Subjects holds references to the objects the role applies to."),
    },
    "ClusterRoleBinding references a ClusterRole, but not contain it.",
    { required: ["roleRef"] },
  ),
  validate: (o, old) => validateBinding(o, old, false),
  columns: bindingColumns,
  cells: bindingCells,
});
