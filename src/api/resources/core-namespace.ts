// core/v1 Namespace.

import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { child, objAt, setDefault, strAt } from "./json.js";
import { isDNS1123Label } from "./names.js";
import { conditions, kindSchema } from "./schema-meta.js";
import { obj, setList, str, time } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const gvk = { group: "", version: "v1", kind: "Namespace" };
const core = (n: string) => `io.k8s.api.core.v1.${n}`;

const schema = kindSchema(
  gvk,
  core("Namespace"),
  {
    spec: obj(
      {
        finalizers: {
          ...setList(
            str(),
            "An opaque list of values that must be empty to permanently remove the object from storage.",
          ),
          listType: "atomic",
        },
      },
      { name: core("NamespaceSpec"), d: "Spec defines the behavior of the Namespace." },
    ),
    status: obj(
      {
        conditions: conditions(
          obj(
            {
              lastTransitionTime: time("Last time the condition transitioned from one status to another."),
              message: str("Human-readable message indicating details about last transition."),
              reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
              status: str("Status of the condition, one of True, False, Unknown."),
              type: str("Type of namespace controller condition."),
            },
            { name: core("NamespaceCondition"), required: ["type", "status"] },
          ),
          "Represents the latest available observations of a namespace's current state.",
        ),
        phase: str("The current lifecycle phase of the namespace: Active or Terminating."),
      },
      { name: core("NamespaceStatus"), d: "Status describes the current status of a Namespace." },
    ),
  },
  "Namespace provides a scope for Names.",
);

function setDefaults(ns: KubeObject): void {
  const spec = child(ns, "spec");
  setDefault(spec, "finalizers", ["kubernetes"]);
  setDefault(child(ns, "status"), "phase", "Active");
  // The NamespaceDefaultLabelName feature: the name is always selectable as a label.
  if (ns.metadata.name)
    ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name };
}

export const namespaceDef = defineResource({
  ...gvk,
  resource: "namespaces",
  shortNames: ["ns"],
  namespaced: false,
  // Namespaces cannot be deleted as a collection (as in Kubernetes).
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  status: true,
  schema,
  setDefaults,
  validate: (ns, old) => [
    ...validateObjectMeta(ns, { namespaced: false, name: isDNS1123Label }),
    ...(old ? validateObjectMetaUpdate(ns, old) : []),
  ],
  columns: [col("Status", "string", "The status of the namespace")],
  cells: (ns) => [strAt(objAt(ns, "status"), "phase") ?? ""],
  fieldSelectors: { "status.phase": (ns) => strAt(objAt(ns, "status"), "phase") ?? "" },
});
