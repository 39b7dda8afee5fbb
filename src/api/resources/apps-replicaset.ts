// apps/v1 ReplicaSet.

import type { KubeObject } from "../types.js";
import {
  appsGroup,
  containersColumn,
  imagesColumn,
  selectorColumn,
  templateCells,
  validateNonNegative,
  validateWorkload,
  workloadConditions,
} from "./apps-workload.js";
import { defineResource } from "./def.js";
import { setPodTemplateDefaults } from "./defaults-podspec.js";
import { child, isObject, numAt, objAt, setDefault } from "./json.js";
import { kindSchema, LabelSelector } from "./schema-meta.js";
import { PodTemplateSpec } from "./schema-podspec.js";
import { desc, int, obj } from "./schema.js";
import { col } from "./table.js";

const gvk = { group: appsGroup, version: "v1", kind: "ReplicaSet" };
const apps = (n: string) => `io.k8s.api.apps.v1.${n}`;

const schema = kindSchema(
  gvk,
  apps("ReplicaSet"),
  {
    spec: obj(
      {
        minReadySeconds: int(
          "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing.",
        ),
        replicas: int("The number of desired pods; defaults to 1."),
        selector: desc(
          LabelSelector,
          "A label query over pods that should match the replica count; it must match the pod template's labels.",
        ),
        template: desc(
          PodTemplateSpec,
          "The object that describes the pod that will be created if insufficient replicas are detected.",
        ),
      },
      {
        name: apps("ReplicaSetSpec"),
        required: ["selector"],
        d: "The specification of the desired behavior of the ReplicaSet.",
      },
    ),
    status: obj(
      {
        availableReplicas: int("The number of available non-terminating pods for this replica set."),
        conditions: workloadConditions("ReplicaSet"),
        fullyLabeledReplicas: int(
          "The number of non-terminating pods that have labels matching the labels of the pod template.",
        ),
        observedGeneration: int("The most recent generation observed by the ReplicaSet."),
        readyReplicas: int(
          "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
        ),
        replicas: int("The most recently observed number of non-terminating pods."),
        terminatingReplicas: int("The number of terminating pods for this replica set."),
      },
      {
        name: apps("ReplicaSetStatus"),
        required: ["replicas"],
        d: "The most recently observed status of the ReplicaSet.",
      },
    ),
  },
  "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
);

export const replicaSetDef = defineResource({
  ...gvk,
  resource: "replicasets",
  shortNames: ["rs"],
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
    setPodTemplateDefaults(spec.template);
  },
  validate: (o, old) => {
    const spec = isObject(o.spec) ? o.spec : {};
    return [
      ...validateWorkload(o, old, "ReplicaSet", { replicas: true }),
      ...validateNonNegative(spec, "minReadySeconds", "spec"),
    ];
  },
  columns: [
    col("Desired", "integer", "Number of desired pods."),
    col("Current", "integer", "The most recently observed number of replicas."),
    col("Ready", "integer", "The number of pods targeted by this ReplicaSet with a Ready Condition."),
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (o) => {
    const status = objAt(o, "status");
    return [
      numAt(o.spec, "replicas") ?? 0,
      numAt(status, "replicas") ?? 0,
      numAt(status, "readyReplicas") ?? 0,
      ...templateCells(o),
    ];
  },
});
