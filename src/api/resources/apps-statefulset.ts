// apps/v1 StatefulSet and ControllerRevision (the history of DaemonSets and StatefulSets).

import type { KubeObject } from "../types.js";
import {
  appsGroup,
  containersColumn,
  imagesColumn,
  templateCells,
  validateNonNegative,
  validateWorkload,
  workloadConditions,
} from "./apps-workload.js";
import { defineResource } from "./def.js";
import { setPodTemplateDefaults } from "./defaults-podspec.js";
import { notSupported, required } from "./field-errors.js";
import { child, isObject, listAt, numAt, objAt, setDefault, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { kindSchema, LabelSelector } from "./schema-meta.js";
import { PodTemplateSpec } from "./schema-podspec.js";
import { atomicList, desc, free, int, int64, intOrStr, obj, str } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta } from "./validate-meta.js";

const apps = (n: string) => `io.k8s.api.apps.v1.${n}`;
const gvk = { group: appsGroup, version: "v1", kind: "StatefulSet" };

const schema = kindSchema(
  gvk,
  apps("StatefulSet"),
  {
    spec: obj(
      {
        minReadySeconds: int("Minimum number of seconds for which a newly created pod should be ready."),
        ordinals: obj(
          { start: int("The number representing the first replica's index.") },
          { name: apps("StatefulSetOrdinals") },
        ),
        persistentVolumeClaimRetentionPolicy: obj(
          {
            whenDeleted: str(
              "What happens to PVCs created from volumeClaimTemplates when the StatefulSet is deleted: Retain or Delete.",
            ),
            whenScaled: str(
              "What happens to PVCs created from volumeClaimTemplates when the StatefulSet is scaled down: Retain or Delete.",
            ),
          },
          { name: apps("StatefulSetPersistentVolumeClaimRetentionPolicy") },
        ),
        podManagementPolicy: str("How pods are created during initial scale up: OrderedReady or Parallel."),
        replicas: int("The desired number of replicas of the given Template; defaults to 1."),
        revisionHistoryLimit: int(
          "The maximum number of revisions that will be maintained in the StatefulSet's revision history.",
        ),
        selector: desc(
          LabelSelector,
          "A label query over pods that should match the replica count; must match the template's labels.",
        ),
        serviceName: str("The name of the service that governs this StatefulSet."),
        template: desc(
          PodTemplateSpec,
          "The object that describes the pod that will be created if insufficient replicas are detected.",
        ),
        updateStrategy: obj(
          {
            rollingUpdate: obj(
              {
                maxUnavailable: intOrStr(
                  "The maximum number of pods that can be unavailable during the update.",
                ),
                partition: int("The ordinal at which the StatefulSet should be partitioned for updates."),
              },
              { name: apps("RollingUpdateStatefulSetStrategy") },
            ),
            type: str("Type of StatefulSet update: RollingUpdate or OnDelete; default is RollingUpdate."),
          },
          {
            name: apps("StatefulSetUpdateStrategy"),
            d: "The strategy the StatefulSet controller uses to perform updates.",
          },
        ),
        volumeClaimTemplates: atomicList(
          free("A PersistentVolumeClaim template."),
          "A list of claims that pods are allowed to reference.",
        ),
      },
      {
        name: apps("StatefulSetSpec"),
        required: ["selector", "template"],
        d: "A StatefulSetSpec is the specification of a StatefulSet.",
      },
    ),
    status: obj(
      {
        availableReplicas: int("Total number of available pods targeted by this statefulset."),
        collisionCount: int("Count of hash collisions for the StatefulSet."),
        conditions: workloadConditions("StatefulSet"),
        currentReplicas: int(
          "The number of Pods created by the StatefulSet controller from the currentRevision.",
        ),
        currentRevision: str(
          "The version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).",
        ),
        observedGeneration: int64("The most recent generation observed for this StatefulSet."),
        readyReplicas: int("The number of pods created for this StatefulSet with a Ready Condition."),
        replicas: int("The number of Pods created by the StatefulSet controller."),
        updateRevision: str(
          "The version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas).",
        ),
        updatedReplicas: int(
          "The number of Pods created by the StatefulSet controller from the updateRevision.",
        ),
      },
      { name: apps("StatefulSetStatus"), required: ["replicas"], d: "The current state of a StatefulSet." },
    ),
  },
  "StatefulSet represents a set of pods with consistent identities.",
);

export const statefulSetDef = defineResource({
  ...gvk,
  resource: "statefulsets",
  shortNames: ["sts"],
  categories: ["all"],
  namespaced: true,
  status: true,
  scale: {
    specReplicasPath: ".spec.replicas",
    statusReplicasPath: ".status.replicas",
    labelSelectorPath: ".spec.selector",
  },
  hasGeneration: true,
  schema,
  setDefaults: (o: KubeObject) => {
    const spec = child(o, "spec");
    setDefault(spec, "replicas", 1);
    setDefault(spec, "podManagementPolicy", "OrderedReady");
    const us = child(spec, "updateStrategy");
    setDefault(us, "type", "RollingUpdate");
    if (us.type === "RollingUpdate") setDefault(child(us, "rollingUpdate"), "partition", 0);
    setDefault(spec, "revisionHistoryLimit", 10);
    const policy = child(spec, "persistentVolumeClaimRetentionPolicy");
    setDefault(policy, "whenDeleted", "Retain");
    setDefault(policy, "whenScaled", "Retain");
    for (const t of listAt(spec, "volumeClaimTemplates")) {
      if (!isObject(t)) continue;
      setDefault(t, "apiVersion", "v1");
      setDefault(t, "kind", "PersistentVolumeClaim");
      setDefault(child(t, "spec"), "volumeMode", "Filesystem");
      setDefault(child(t, "status"), "phase", "Pending");
    }
    setPodTemplateDefaults(spec.template);
  },
  validate: (o, old) => {
    const spec = isObject(o.spec) ? o.spec : {};
    const out = [
      ...validateWorkload(o, old, "StatefulSet", { replicas: true }),
      ...validateNonNegative(spec, "minReadySeconds", "spec"),
    ];
    const pmp = strAt(spec, "podManagementPolicy");
    if (pmp !== undefined && pmp !== "OrderedReady" && pmp !== "Parallel")
      out.push(notSupported("spec.podManagementPolicy", pmp, ["OrderedReady", "Parallel"]));
    const type = strAt(objAt(spec, "updateStrategy"), "type");
    if (type !== undefined && type !== "RollingUpdate" && type !== "OnDelete")
      out.push(notSupported("spec.updateStrategy.type", type, ["OnDelete", "RollingUpdate"]));
    return out;
  },
  columns: [col("Ready", "string", "Number of the pod with ready state"), containersColumn, imagesColumn],
  cells: (o) => [
    `${numAt(o.status, "readyReplicas") ?? 0}/${numAt(o.spec, "replicas") ?? 0}`,
    ...templateCells(o, false),
  ],
});

const crGvk = { group: appsGroup, version: "v1", kind: "ControllerRevision" };

export const controllerRevisionDef = defineResource({
  ...crGvk,
  resource: "controllerrevisions",
  namespaced: true,
  schema: kindSchema(
    crGvk,
    apps("ControllerRevision"),
    {
      data: free("Data is the serialized representation of the state."),
      revision: int64("Revision indicates the revision of the state represented by Data."),
    },
    "ControllerRevision implements an immutable snapshot of state data.",
    { required: ["revision"] },
  ),
  validate: (o) => {
    const out = validateObjectMeta(o, { namespaced: true, name: isDNS1123Subdomain });
    if (typeof o.revision !== "number") out.push(required("revision"));
    return out;
  },
  columns: [
    col("Controller", "string", "Controller of the object."),
    col("Revision", "string", "Revision of the ControllerRevision."),
  ],
  cells: (o) => {
    const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
    const group = owner ? owner.apiVersion.split("/").slice(0, -1).join("/") : "";
    return [
      owner ? `${owner.kind.toLowerCase()}${group ? `.${group}` : ""}/${owner.name}` : "<none>",
      numAt(o, "revision") ?? 0,
    ];
  },
});
