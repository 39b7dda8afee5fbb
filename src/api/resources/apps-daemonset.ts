// apps/v1 DaemonSet.

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
import { notSupported } from "./field-errors.js";
import { child, isObject, numAt, objAt, setDefault, strAt } from "./json.js";
import { kindSchema, LabelSelector } from "./schema-meta.js";
import { PodTemplateSpec } from "./schema-podspec.js";
import { desc, int, intOrStr, obj, str } from "./schema.js";
import { col, formatLabels } from "./table.js";

const gvk = { group: appsGroup, version: "v1", kind: "DaemonSet" };
const apps = (n: string) => `io.k8s.api.apps.v1.${n}`;

const schema = kindSchema(
  gvk,
  apps("DaemonSet"),
  {
    spec: obj(
      {
        minReadySeconds: int(
          "The minimum number of seconds for which a newly created DaemonSet pod should be ready.",
        ),
        revisionHistoryLimit: int("The number of old history to retain to allow rollback; defaults to 10."),
        selector: desc(
          LabelSelector,
          "A label query over pods that are managed by the daemon set; must match the template's labels.",
        ),
        template: desc(
          PodTemplateSpec,
          "An object that describes the pod that will be created on every eligible node.",
        ),
        updateStrategy: obj(
          {
            rollingUpdate: obj(
              {
                maxSurge: intOrStr(
                  "The maximum number of nodes with an existing available DaemonSet pod that can have an updated pod during an update.",
                ),
                maxUnavailable: intOrStr(
                  "The maximum number of DaemonSet pods that can be unavailable during the update.",
                ),
              },
              {
                name: apps("RollingUpdateDaemonSet"),
                d: "Rolling update config params; present only if type = RollingUpdate.",
              },
            ),
            type: str('Type of daemon set update: "RollingUpdate" or "OnDelete"; default is RollingUpdate.'),
          },
          {
            name: apps("DaemonSetUpdateStrategy"),
            d: "An update strategy to replace existing DaemonSet pods with new pods.",
          },
        ),
      },
      {
        name: apps("DaemonSetSpec"),
        required: ["selector", "template"],
        d: "The specification of the daemon set.",
      },
    ),
    status: obj(
      {
        collisionCount: int("Count of hash collisions for the DaemonSet."),
        conditions: workloadConditions("DaemonSet"),
        currentNumberScheduled: int(
          "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
        ),
        desiredNumberScheduled: int("The total number of nodes that should be running the daemon pod."),
        numberAvailable: int(
          "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
        ),
        numberMisscheduled: int(
          "The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.",
        ),
        numberReady: int(
          "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
        ),
        numberUnavailable: int(
          "The number of nodes that should be running the daemon pod and have none of the daemon pod running and available.",
        ),
        observedGeneration: int("The most recent generation observed by the daemon set controller."),
        updatedNumberScheduled: int("The total number of nodes that are running updated daemon pod."),
      },
      { name: apps("DaemonSetStatus"), d: "The current status of a daemon set." },
    ),
  },
  "DaemonSet represents the configuration of a daemon set.",
);

export const daemonSetDef = defineResource({
  ...gvk,
  resource: "daemonsets",
  shortNames: ["ds"],
  categories: ["all"],
  namespaced: true,
  status: true,
  hasGeneration: true,
  schema,
  setDefaults: (o: KubeObject) => {
    const spec = child(o, "spec");
    const us = child(spec, "updateStrategy");
    setDefault(us, "type", "RollingUpdate");
    if (us.type === "RollingUpdate") {
      const ru = child(us, "rollingUpdate");
      setDefault(ru, "maxUnavailable", 1);
      setDefault(ru, "maxSurge", 0);
    }
    setDefault(spec, "revisionHistoryLimit", 10);
    setPodTemplateDefaults(spec.template);
  },
  validate: (o, old) => {
    const spec = isObject(o.spec) ? o.spec : {};
    const out = [
      ...validateWorkload(o, old, "DaemonSet"),
      ...validateNonNegative(spec, "minReadySeconds", "spec"),
      ...validateNonNegative(spec, "revisionHistoryLimit", "spec"),
    ];
    const type = strAt(objAt(spec, "updateStrategy"), "type");
    if (type !== undefined && type !== "RollingUpdate" && type !== "OnDelete")
      out.push(notSupported("spec.updateStrategy.type", type, ["OnDelete", "RollingUpdate"]));
    return out;
  },
  columns: [
    col("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
    col(
      "Current",
      "integer",
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
    ),
    col(
      "Ready",
      "integer",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
    ),
    col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod."),
    col(
      "Available",
      "integer",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
    ),
    col(
      "Node Selector",
      "string",
      "NodeSelector is a selector which must be true for the pod to fit on a node.",
    ),
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (o) => {
    const s = objAt(o, "status");
    const nodeSelector = objAt(objAt(objAt(o.spec, "template"), "spec"), "nodeSelector");
    return [
      numAt(s, "desiredNumberScheduled") ?? 0,
      numAt(s, "currentNumberScheduled") ?? 0,
      numAt(s, "numberReady") ?? 0,
      numAt(s, "updatedNumberScheduled") ?? 0,
      numAt(s, "numberAvailable") ?? 0,
      formatLabels(nodeSelector),
      ...templateCells(o),
    ];
  },
});
