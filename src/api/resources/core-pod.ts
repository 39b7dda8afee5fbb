// core/v1 Pod.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { podCells, podColumns } from "./core-pod-table.js";
import { defineResource } from "./def.js";
import { setPodOnlyDefaults, setPodSpecDefaults } from "./defaults-podspec.js";
import { forbidden } from "./field-errors.js";
import { child, isObject, listAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { kindSchema } from "./schema-meta.js";
import { PodSpec } from "./schema-podspec.js";
import { PodStatus } from "./schema-podstatus.js";
import { desc } from "./schema.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";
import { validatePodSpec } from "./validate-podspec.js";

const gvk = { group: "", version: "v1", kind: "Pod" };

const schema = kindSchema(
  gvk,
  "io.k8s.api.core.v1.Pod",
  {
    spec: desc(PodSpec, "Specification of the desired behavior of the pod."),
    status: desc(PodStatus, "Most recently observed status of the pod; read-only."),
  },
  "Pod is a collection of containers that can run on a host.",
);

/** qos.GetPodQOS: BestEffort without any requests or limits, Guaranteed when all equal and complete. */
export function podQosClass(spec: unknown): "BestEffort" | "Burstable" | "Guaranteed" {
  const containers = [...listAt(spec, "initContainers"), ...listAt(spec, "containers")];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = objAt(c, "resources");
    const limits = objAt(r, "limits") ?? {};
    const requests = objAt(r, "requests") ?? {};
    for (const k of ["cpu", "memory"]) {
      if (limits[k] !== undefined || requests[k] !== undefined) any = true;
      const req = requests[k] ?? limits[k];
      if (limits[k] === undefined || String(req) !== String(limits[k])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function setDefaults(pod: KubeObject): void {
  const spec = child(pod, "spec");
  setPodSpecDefaults(spec);
  setPodOnlyDefaults(spec);
  const status = child(pod, "status");
  if (!strAt(status, "phase")) status.phase = "Pending";
  if (!strAt(status, "qosClass")) status.qosClass = podQosClass(spec);
}

const MUTABLE_SPEC =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** The spec with the fields an update may change blanked out (images, deadline, tolerations, node binding). */
function immutablePart(spec: unknown): string {
  if (!isObject(spec)) return "null";
  const copy = structuredClone(spec);
  for (const list of ["containers", "initContainers"])
    for (const c of listAt(copy, list)) if (isObject(c)) delete c.image;
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  // Binding a pod to a node is allowed once (the scheduler's bind).
  if (!strAt(spec, "nodeName")) delete copy.nodeName;
  return canonical(copy);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

function validate(pod: KubeObject, old?: KubeObject): StatusCause[] {
  const out = [
    ...validateObjectMeta(pod, { namespaced: true, name: isDNS1123Subdomain }),
    ...validatePodSpec(pod.spec, "spec"),
  ];
  if (old) {
    out.push(...validateObjectMetaUpdate(pod, old));
    const oldSpec = isObject(old.spec) ? structuredClone(old.spec) : {};
    // Setting nodeName where it was empty is the bind; compare as if the old spec had it.
    if (!strAt(oldSpec, "nodeName") && strAt(pod.spec, "nodeName"))
      oldSpec.nodeName = strAt(pod.spec, "nodeName");
    if (immutablePart(pod.spec) !== immutablePart(oldSpec)) out.push(forbidden("spec", MUTABLE_SPEC));
  }
  return out;
}

const specField = (name: string) => (o: KubeObject) => {
  const v = objAt(o, "spec")?.[name];
  return v === undefined ? "" : String(v);
};
const statusField = (name: string) => (o: KubeObject) => strAt(objAt(o, "status"), name) ?? "";

export const podDef = defineResource({
  ...gvk,
  resource: "pods",
  shortNames: ["po"],
  categories: ["all"],
  namespaced: true,
  status: true,
  schema,
  setDefaults,
  validate,
  columns: podColumns,
  cells: podCells,
  fieldSelectors: {
    "spec.nodeName": specField("nodeName"),
    "spec.restartPolicy": specField("restartPolicy"),
    "spec.schedulerName": specField("schedulerName"),
    "spec.serviceAccountName": specField("serviceAccountName"),
    "spec.hostNetwork": (o) => String(objAt(o, "spec")?.hostNetwork === true),
    "status.phase": statusField("phase"),
    "status.podIP": statusField("podIP"),
    "status.nominatedNodeName": statusField("nominatedNodeName"),
  },
});
